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

The link itself is in `chain_links.py`, the check (`verify`, `Head`, `Verdict`) in `chain_verify.py`;
this module keeps the SQLite recorder and names them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from tasking.store.chain_links import GENESIS, PAGE, ChainError, Row, chain_table, link, links, new_rows
from tasking.store.chain_verify import PROBLEMS, Head, Verdict, head_at, verify

__all__ = [
    "GENESIS",
    "PAGE",
    "PROBLEMS",
    "ChainError",
    "ChainedSQLiteRecorder",
    "Head",
    "Row",
    "Verdict",
    "chain_table",
    "head_at",
    "link",
    "links",
    "new_rows",
    "verify",
]


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
