"""The hash chain's links: how one stored row is hashed onto the previous link (see `tasking.store.chain`).

Shared by the SQLite recorder (`chain.py`), the PostgreSQL one (`chain_pg.py`) and `verify`
(`chain_verify.py`), so that there is one definition of a link.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from tasking.errors import DomainError

GENESIS = bytes(32)
PAGE = 5000

Row = tuple[int, str, int, str, bytes]  # position, originator id (text), version, topic, state


def id_text(originator_id: Any) -> str:
    """An originator id as the chain hashes it: the 32 hex digits of a UUID (how SQLite stores it)."""
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


def link(previous: bytes, position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The link of one stored row: every variable part is length-prefixed, so no two rows share bytes."""
    digest = hashlib.sha256(previous)
    oid, name = originator_id.encode(), topic.encode()
    digest.update(struct.pack(">qqIII", position, version, len(oid), len(name), len(state)))
    digest.update(oid)
    digest.update(name)
    digest.update(state)
    return digest.digest()


def links(previous: bytes, rows: Iterable[Row]) -> Iterator[tuple[int, str]]:
    """(position, hex link) for each row, in order, chained from `previous`."""
    for position, oid, version, topic, state in rows:
        previous = link(previous, position, id_text(oid), version, topic, as_bytes(state))
        yield position, previous.hex()


def new_rows(ids: Sequence[int], stored_events: Sequence[StoredEvent]) -> list[Row]:
    return sorted(
        (position, id_text(s.originator_id), s.originator_version, s.topic, s.state)
        for position, s in zip(ids, stored_events, strict=True)
    )


def as_bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


class ChainError(DomainError):
    """A write found the chain already holding its position: the store was altered behind its back."""

    def __init__(self, position: int) -> None:
        super().__init__(
            "store",
            f"the event chain already holds position {position}, which this write was given: "
            "rows were removed behind the engine's back; run `tasking verify`",
        )


def chain_table(events_table: str) -> str:
    return events_table.removesuffix("events") + "event_chain"
