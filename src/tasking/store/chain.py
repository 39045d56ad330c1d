"""A hash chain over every stored event, written in the same transaction as the events.

Each stored event at position p gets a link: SHA-256 over the previous link, p, and the row's
stored bytes (originator id, originator version, topic, state). The links live in a table of their
own beside the events (`stored_event_chain` on SQLite, `tasking_event_chain` on PostgreSQL), keyed
by position. The recorders below (the library's application recorders, subclassed) insert the
events, then, still inside that transaction and under the write lock, read the previous link and
write the new ones, computed in Python in one pass over the batch.

`verify` walks the events and the links together, in position order, and names the first
position that does not match: a row edited or reordered (its link no longer matches), a row
inserted (a row without a link), a row deleted (a link without a row, or a gap in the positions
that the next link was chained over), rows before the first link (`unsealed`). A head kept from
a pack or a report (`POSITION:HASH`) proves the store still holds exactly what it held then, even
after someone rewrote the whole chain.

A write chains only its own rows, from the last link (or from the genesis when there is none):
it never chains rows that have no link. A store written before the chain, or one whose links
were deleted, stays `unsealed` until an admin seals it on purpose (`tasking seal-chain`): that
write passes `seal=True`, and its transaction re-chains every row from the genesis, then its
own, which records who sealed it, when and why (`tasking.domain.chain_seal`).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from tasking.errors import DomainError

GENESIS = bytes(32)
PAGE = 5000
# What each problem means, for people (the JSON carries the key).
PROBLEMS = {
    "altered": "its stored bytes no longer match its link: the row was edited, or rows were reordered",
    "inserted": "a row with no link: it was inserted behind the engine's back",
    "deleted": "a row was deleted: a link with no row, or no row and no link here while the next link was "
    "chained from one",
    "unsealed": "rows before the chain's first link: the store was written before the chain, or its links were "
    "deleted; an admin seals it on purpose with `tasking seal-chain` (recorded)",
    "head-mismatch": "the store no longer holds what it held when that head was printed",
    "head-beyond-end": "the store ends before the head's position: rows were removed from its end",
}

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
        previous = link(previous, position, id_text(oid), version, topic, _bytes(state))
        yield position, previous.hex()


def new_rows(ids: Sequence[int], stored_events: Sequence[StoredEvent]) -> list[Row]:
    return sorted(
        (position, id_text(s.originator_id), s.originator_version, s.topic, s.state)
        for position, s in zip(ids, stored_events, strict=True)
    )


@dataclass
class Head:
    position: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Head:
        position, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if not sep or not position.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError("must be POSITION:HASH, e.g. 9308:3f2a... (64 hex digits), as printed in a pack")
        return cls(int(position), digest)

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"


@dataclass
class Verdict:
    ok: bool = True
    position: int = 0  # the last position checked and found good
    head: str | None = None  # POSITION:HASH of that position
    events: int = 0
    first_bad_position: int | None = None
    problem: str | None = None
    detail: str | None = None
    checked_head: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "position": self.position,
            "head": self.head,
            "events": self.events,
            "first_bad_position": self.first_bad_position,
            "problem": self.problem,
            "detail": self.detail,
            "checked_head": self.checked_head,
        }

    def fail(self, position: int, problem: str) -> Verdict:
        self.ok, self.first_bad_position, self.problem, self.detail = False, position, problem, PROBLEMS[problem]
        return self


def verify(
    rows: Iterator[Row], chain: Iterator[tuple[int, str]], head: Head | None = None, linked_part: bool = False
) -> Verdict:
    """Recompute the chain from the rows and compare it with the stored links, in position order.
    `linked_part`: only from the first link on, as if the rows before it were not there (what
    `tasking seal-chain` checks: the part it would seal over must not be broken)."""
    verdict = Verdict(checked_head=str(head) if head else None)
    previous, met_head = GENESIS, head is None
    row, kept = next(rows, None), next(chain, None)
    if linked_part:
        while row is not None and (kept is None or row[0] < kept[0]):
            row = next(rows, None)
    if row is not None and (kept is None or row[0] < kept[0]):
        return verdict.fail(row[0], "unsealed")
    while row is not None or kept is not None:
        if row is not None and (kept is None or row[0] < kept[0]):
            return verdict.fail(row[0], "inserted")
        if kept is not None and (row is None or kept[0] < row[0]):
            return verdict.fail(kept[0], "deleted")
        assert row is not None and kept is not None  # by the loop's condition and the two above
        position = row[0]
        try:
            previous = link(previous, position, id_text(row[1]), int(row[2]), str(row[3]), _bytes(row[4]))
        except (TypeError, ValueError, struct.error):  # a column rewritten with the wrong type
            return verdict.fail(position, "altered")
        if previous.hex() != kept[1]:
            if position > verdict.position + 1:
                # Positions skipped and the link does not follow: it was chained from a row (and
                # link) deleted in the gap. Name the first missing position.
                return verdict.fail(verdict.position + 1, "deleted")
            return verdict.fail(position, "altered")
        if head is not None and head.position == position:
            if head.hash != kept[1]:
                return verdict.fail(position, "head-mismatch")
            met_head = True
        verdict.position, verdict.head, verdict.events = position, f"{position}:{kept[1]}", verdict.events + 1
        row, kept = next(rows, None), next(chain, None)
    if head is not None and not met_head:
        return verdict.fail(head.position, "head-beyond-end" if head.position > verdict.position else "head-mismatch")
    return verdict


def _bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


class ChainError(DomainError):
    """A write found the chain already holding its position: the store was altered behind its back."""

    def __init__(self, position: int) -> None:
        super().__init__(
            "store",
            f"the event chain already holds position {position}, which this write was given: "
            "rows were removed behind the engine's back; run `tasking verify`",
        )


def head_at(recorder: Any, position: int) -> dict[str, Any]:
    """The chain's head at `position`, as a pack and a report print it (`tasking verify --head`): a
    partner who keeps it can later check that the store still holds exactly what it held then.
    Nothing is sealed here: an unsealed store has no head until an admin seals it."""
    head = recorder.chain_head(position)
    text = str(head) if head else None
    return {
        "position": head.position if head else 0,
        "hash": head.hash if head else None,
        "head": text,
        "verify": f"tasking verify --head {text}" if text else None,
    }


def chain_table(events_table: str) -> str:
    return events_table.removesuffix("events") + "event_chain"


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """The library's SQLite application recorder, chaining each inserted row (see the module)."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        self.chain_table = chain_table(events_table_name)
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} (position INTEGER PRIMARY KEY, hash TEXT NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], *, seal: bool = False, **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)  # takes the write lock
        self._extend(c, new_rows(ids or [], stored_events), seal)
        return ids

    def _extend(self, c: SQLiteCursor, rows: list[Row], seal: bool) -> None:
        if seal:  # on purpose (`tasking seal-chain`): every row, from the genesis, then this write's own
            c.execute(f"DELETE FROM {self.chain_table}")
            previous = GENESIS
            for page in self._pages(c, rows[0][0] if rows else None):
                sealed = list(links(previous, page))
                c.executemany(f"INSERT INTO {self.chain_table} (position, hash) VALUES (?, ?)", sealed)
                previous = bytes.fromhex(sealed[-1][1])
        else:  # only this write's rows: rows with no link stay unsealed (never chained implicitly)
            c.execute(f"SELECT position, hash FROM {self.chain_table} ORDER BY position DESC LIMIT 1")
            last = c.fetchone()
            previous = GENESIS if last is None else bytes.fromhex(last[1])
            if last is not None and rows and last[0] >= rows[0][0]:
                raise ChainError(last[0])
        if rows:
            c.executemany(f"INSERT INTO {self.chain_table} (position, hash) VALUES (?, ?)", list(links(previous, rows)))

    def _pages(self, c: SQLiteCursor, before: int | None) -> Iterator[list[Row]]:
        start = 0
        while True:
            c.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                "WHERE rowid > ? AND rowid < ? ORDER BY rowid LIMIT ?",
                (start, before if before is not None else 2**63 - 1, PAGE),
            )
            page = [tuple(r) for r in c.fetchall()]
            if not page:
                return
            yield page
            start = page[-1][0]

    def verify(self, head: Head | None = None, linked_part: bool = False) -> Verdict:
        with self.datastore.transaction(commit=False) as c:  # one snapshot of both tables
            rows = (row for page in self._pages(c, None) for row in page)
            return verify(rows, self._links(c), head, linked_part)

    def _links(self, c: SQLiteCursor) -> Iterator[tuple[int, str]]:
        start = -(2**63)
        while True:
            c.execute(
                f"SELECT position, hash FROM {self.chain_table} WHERE position > ? ORDER BY position LIMIT ?",
                (start, PAGE),
            )
            page = [tuple(r) for r in c.fetchall()]
            if not page:
                return
            yield from page
            start = page[-1][0]

    def chain_head(self, position: int | None = None) -> Head | None:
        """The link at `position` (or the last one): what a pack or report prints."""
        with self.datastore.transaction(commit=False) as c:
            if position is None:
                c.execute(f"SELECT position, hash FROM {self.chain_table} ORDER BY position DESC LIMIT 1")
            else:
                c.execute(
                    f"SELECT position, hash FROM {self.chain_table} WHERE position <= ? ORDER BY position DESC LIMIT 1",
                    (position,),
                )
            found = c.fetchone()
        return Head(found[0], found[1]) if found else None
