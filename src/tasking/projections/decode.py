"""Reading stored events for the projections: large pages, and a lean decode of trusted rows.

The projections only read events this application wrote. For those, the library's path (the
recorder building a `Notification` per row, then the mapper's generic transcoding and id
conversion) costs more than the views' own work. `Pages` reads rows in large pages and decodes
each with `LeanDecoder`, which builds the very event class the topic names, as the library's
mapper does (`object.__new__` and the state as `__dict__`), so handlers keep their attribute
access and routing by `type(event)`. It differs from the mapper only in how it gets there:

- only top-level tagged values (`{"_type_": ..., "_data_": ...}`) are restored, through the
  transcoder's own registered transcodings; nested lists and dicts go through the full restore;
- an originator id is parsed once per page, and its text form is kept (handlers call `str()`);
- upcasting (`class_version`) runs the event class's own `upcast_vN_vN+1` methods, as the mapper's.

A cipher (`TASKING_CIPHER_KEY`) is undone first, with the mapper's own cipher, as the mapper
does before transcoding; then the lean decode runs as for plaintext. A compressor, or another
transcoder, makes `LeanDecoder.fallback` name why, and the mapper decodes. `tests/integration/test_projection_property.py` checks, for every topic,
that both paths give identical views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import DatetimeAsISO
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import resolve_topic


class EventId(UUID):
    """A UUID that keeps its text form: view rows hold `str(originator_id)` many times over."""

    __slots__ = ("_text",)
    _text: str

    def __str__(self) -> str:
        return self._text


def event_id(value: Any) -> EventId:
    found = EventId(value) if not isinstance(value, UUID) else EventId(int=value.int)
    # SQLite holds the id as its 32 lower-case hex digits (`uuid.hex`): its text form is those, hyphenated.
    if value.__class__ is str and len(value) == 32 and value == value.lower():
        text = f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    else:
        text = UUID.__str__(found)
    object.__setattr__(found, "_text", text)
    return found


class Row(NamedTuple):
    """One stored event as the projections need it: its position and its decoded event."""

    id: int
    topic: str
    state: bytes
    event: Any


class LeanDecoder:
    def __init__(self, app: Any) -> None:
        mapper = app.mapper
        self.mapper = mapper
        self.names = getattr(mapper.transcoder, "names", None)
        self.restore = getattr(mapper.transcoder, "_restore", None)
        self.fallback: str | None = None
        self.cipher = mapper.cipher  # whole-store encryption: decrypted first, as the mapper does
        # The library's AESCipher builds an AESGCM object for every row: build it once.
        self._aead = AESGCM(mapper.cipher.key) if type(mapper.cipher) is AESCipher else None
        if mapper.compressor is not None:
            self.fallback = "compression is configured"
        elif self.names is None or self.restore is None:
            self.fallback = f"the transcoder is {type(mapper.transcoder).__name__}, not the orjson one"
        self._classes: dict[str, tuple[type, int]] = {}  # topic -> its class and the class's version
        # Per tag: the function that restores its data. The library's `DatetimeAsISO.decode` is
        # `datetime.fromisoformat` after asserting a str, which `decode` checks first: call it directly.
        self.decoders = {
            name: dt.datetime.fromisoformat if type(transcoding) is DatetimeAsISO else transcoding.decode
            for name, transcoding in (self.names or {}).items()
        }

    @property
    def mode(self) -> str:
        if self.fallback:
            return f"mapper ({self.fallback})"
        return "lean (decrypted first)" if self.cipher is not None else "lean"

    def event_class(self, topic: str) -> tuple[type, int]:
        found = self._classes.get(topic)
        if found is None:
            cls = resolve_topic(topic)
            found = self._classes[topic] = (cls, getattr(cls, "class_version", 1))
        return found

    def decode(self, topic: str, originator_id: EventId, version: int, state: bytes) -> Any:
        cls, class_version = self.event_class(topic)
        if self.cipher is not None:
            state = self.decrypt(state)
        values: dict[str, Any] = orjson.loads(state)
        decoders, restore = self.decoders, self.restore
        assert restore is not None  # else `fallback` is set, and the mapper decodes instead
        tagged, nested = 0, []
        for key, value in values.items():
            kind = value.__class__
            if kind is dict:
                data = value.get("_data_")
                if data.__class__ is str and len(value) == 2 and "_type_" in value:
                    values[key] = decoders[value["_type_"]](data)
                    tagged += 1
                else:
                    nested.append(key)
            elif kind is list:
                nested.append(key)
        # Nested lists and dicts need the full restore only if they hold a tag: every tag's key is
        # the text `"_type_"` in the JSON (no encoder escapes it), so when the text holds no more of
        # them than the top level restored, they are plain JSON and stay as parsed.
        if nested and (state.count(b'"_type_"') != tagged or b"\\u" in state):
            for key in nested:
                values[key] = restore(values[key])
        values["originator_id"] = originator_id
        values["originator_version"] = version
        from_version = values.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(values)
            from_version += 1
        event: Any = object.__new__(cls)
        object.__setattr__(event, "__dict__", values)
        return event

    def decrypt(self, state: bytes) -> bytes:
        """The library's `AESCipher.decrypt` (nonce, tag, ciphertext) with one AESGCM object; any
        failure goes to the library's own method, so a damaged row raises the library's error."""
        if self._aead is not None:
            try:
                return self._aead.decrypt(state[:12], state[28:] + state[12:28], None)
            except Exception:  # noqa: BLE001, S110  # the library's decrypt below raises its own error
                pass
        assert self.cipher is not None
        return self.cipher.decrypt(state)


class Pages:
    """Stored events after a position, page by page, decoded lean or by the mapper."""

    def __init__(self, app: Any, lean: bool = True) -> None:
        self.app = app
        self.decoder = LeanDecoder(app)
        self.lean = lean and self.decoder.fallback is None
        recorder = app.recorder
        # The library's SQLite recorders and their subclasses (the store's chained recorder) keep
        # the events in one table whose rowid is the position: read it directly.
        self._sqlite = isinstance(recorder, SQLiteAggregateRecorder)
        self._table = getattr(recorder, "events_table_name", None)

    @property
    def mode(self) -> str:
        return self.decoder.mode if self.lean or self.decoder.fallback else "mapper (asked for)"

    def _rows(self, start: int, limit: int) -> list[tuple[int, Any, int, str, bytes]]:
        if self._sqlite and self.lean:
            with self.app.recorder.datastore.transaction(commit=False) as cursor:
                raw = getattr(cursor, "sqlite_cursor", cursor)
                raw.row_factory = None  # plain tuples: the library's connection makes sqlite3.Row objects
                raw.execute(
                    f"SELECT rowid, originator_id, originator_version, topic, state FROM {self._table} "
                    "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (start, limit),
                )
                return raw.fetchall()
        found = self.app.recorder.select_notifications(start, limit, inclusive_of_start=False)
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in found]

    def page(self, start: int, limit: int) -> list[Row]:
        rows = self._rows(start, limit)
        if not self.lean:
            from eventsourcing.persistence import StoredEvent

            to_domain_event = self.app.mapper.to_domain_event
            return [
                Row(
                    position,
                    topic,
                    state,
                    to_domain_event(
                        StoredEvent(originator_id=oid, originator_version=version, topic=topic, state=state)
                    ),
                )
                for position, oid, version, topic, state in rows
            ]
        ids: dict[Any, EventId] = {}
        decode = self.decoder.decode
        out = []
        for position, oid, version, topic, state in rows:
            found = ids.get(oid)
            if found is None:
                found = ids[oid] = event_id(oid)
            out.append(Row(position, topic, state, decode(topic, found, version, state)))
        return out

    def after(self, start: int, limit: int) -> Iterator[list[Row]]:
        while True:
            rows = self.page(start, limit)
            if not rows:
                return
            yield rows
            start = rows[-1].id
