"""The `state` projection's version rows: stored form, and a batch's versions changed in memory.

`VersionBatch` holds, for each case an event of the batch touches, its current versions (those
with `position_to = POSITION_END`), read once from the table and then changed in memory: a
version opened and closed within the batch is written once, already closed, and every row is
written by `executemany` when the batch flushes, inside the batch's transaction. The rows are the
ones the event-by-event path would write, in the same order, so a batched build and a catch-up
one event at a time hold the same rows (the property tests compare them row for row).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import orjson

from tasking.domain.case_state import CaseState, TaskingState
from tasking.projections.memo import day_and_year

AT_END = "9999-12-31T23:59:59Z"
POSITION_END = 2**62

CASE_COLUMNS = (
    "reference",
    "at_from",
    "at_to",
    "position_from",
    "position_to",
    "status",
    "category",
    "area",
    "source",
    "risk",
    "lead",
    "received_at",
    "closed_at",
    "feedback",
    "last_update",
    "owed_since",
    "owed_first_action",
    "owed_actions",
    "owed_day",
    "location",
    "place",
    "reporter",
    "victim",
    "state",
)
TASKING_COLUMNS = (
    "reference",
    "tasking",
    "at_from",
    "at_to",
    "position_from",
    "position_to",
    "tasked_agency",
    "owner",
    "action",
    "due",
    "status",
    "raised_at",
    "completed_at",
    "case_status",
)

_STATE_FIELDS = tuple(f.name for f in dataclasses.fields(CaseState) if f.name != "rows")


def dump_state(state: CaseState) -> str:
    """A state as stored: every field but the facts folded (those are the `activity` rows)."""
    found = {name: getattr(state, name) for name in _STATE_FIELDS}
    found["taskings"] = {ref: vars(t) for ref, t in state.taskings.items()}
    # orjson: a third of a rebuild's state writing was `json.dumps` (profiled). The same compact
    # JSON with sorted keys, except that text outside ASCII is kept as UTF-8, not escaped.
    return orjson.dumps(found, option=orjson.OPT_SORT_KEYS).decode()


def load_state(text: str) -> CaseState:
    found = orjson.loads(text)
    return CaseState(
        **{
            **found,
            "taskings": {ref: TaskingState(**t) for ref, t in found["taskings"].items()},
            "links": tuple(found["links"]),
            "action_times": tuple(found["action_times"]),
        }
    )


class Version:
    """One version row: its intervals and state (`rowid` None until the batch writes it)."""

    __slots__ = ("reference", "at_from", "at_to", "position_from", "position_to", "state", "rowid", "text")

    def __init__(
        self,
        reference: str,
        at_from: str,
        at_to: str,
        position_from: int,
        state: CaseState,
        rowid: int | None = None,
        text: str | None = None,
    ) -> None:
        self.reference, self.at_from, self.at_to = reference, at_from, at_to
        self.position_from, self.position_to = position_from, POSITION_END
        self.state, self.rowid, self.text = state, rowid, text

    def case_row(self) -> tuple[Any, ...]:
        state = self.state
        owed_since, first_action, actions = state.owed() or (None, None, None)
        text = self.text if self.text is not None else dump_state(state)
        return (
            self.reference,
            self.at_from,
            self.at_to,
            self.position_from,
            self.position_to,
            state.status,
            state.category,
            state.area,
            state.source,
            state.risk,
            state.lead,
            state.received_at,
            state.closed_at,
            state.feedback,
            state.last_update,
            owed_since,
            first_action,
            actions,
            owed_since and day_and_year(dt.datetime.fromisoformat(owed_since))[0],
            state.location,
            state.location_key,
            state.reporter,
            state.victim,
            text,
        )

    def tasking_rows(self) -> list[tuple[Any, ...]]:
        status = self.state.status
        return [
            (
                self.reference,
                t.tasking,
                self.at_from,
                self.at_to,
                self.position_from,
                self.position_to,
                t.tasked_agency,
                t.owner,
                t.action,
                t.due,
                t.status,
                t.raised_at,
                t.completed_at,
                status,
            )
            for t in self.state.taskings.values()
        ]


class VersionBatch:
    """The current versions of the cases one batch touches, and the rows it will write."""

    def __init__(self) -> None:
        self._current: dict[str, list[Version]] = {}
        self._opened: list[Version] = []  # in the order opened: the rows to insert
        self._closed: list[Version] = []  # stored rows this batch closes

    def forget(self) -> None:
        """After the batch's rows are written (or its transaction failed)."""
        self._current, self._opened, self._closed = {}, [], []

    def current(self, db: Any, reference: str) -> list[Version]:
        """The case's current versions, by `at_from`."""
        found = self._current.get(reference)
        if found is None:
            rows = db.conn.execute(
                "SELECT rowid, at_from, at_to, position_from, state FROM case_versions "
                "WHERE reference = ? AND position_to = ?",
                (reference, POSITION_END),
            ).fetchall()
            found = self._current[reference] = [
                Version(reference, at_from, at_to, since, load_state(text), rowid, text)
                for rowid, at_from, at_to, since, text in rows
            ]
        found.sort(key=lambda v: v.at_from)
        return found

    def open(
        self, reference: str, at_from: str, at_to: str, position: int, state: CaseState, text: str | None = None
    ) -> None:
        version = Version(reference, at_from, at_to, position, state, text=text)
        self._current.setdefault(reference, []).append(version)
        self._opened.append(version)

    def close(self, version: Version, position: int) -> None:
        self._current[version.reference].remove(version)
        version.position_to = position
        if version.rowid is not None:
            self._closed.append(version)

    def write(self, db: Any, case_sql: str, tasking_sql: str) -> None:
        """Close the stored rows, then insert the batch's rows, each table by one `executemany`."""
        conn = db.conn
        if self._closed:
            conn.executemany(
                "UPDATE case_versions SET position_to = ? WHERE rowid = ?",
                [(v.position_to, v.rowid) for v in self._closed],
            )
            conn.executemany(
                "UPDATE tasking_versions SET position_to = ? WHERE reference = ? AND position_to = ? AND at_from = ?",
                [(v.position_to, v.reference, POSITION_END, v.at_from) for v in self._closed],
            )
        if self._opened:
            conn.executemany(case_sql, [v.case_row() for v in self._opened])
            conn.executemany(tasking_sql, [row for v in self._opened for row in v.tasking_rows()])
        self.forget()
