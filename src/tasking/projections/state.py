"""The `case_versions` and `tasking_versions` views: each case's state kept bitemporally.

A row is the case's state (the one fold, `tasking.domain.case_state`) over the effective interval
`[at_from, at_to)` as the log knew it over the recorded interval `[position_from, position_to)`;
the open ends are `AT_END` and `POSITION_END`. The state at (`at`, `position`) is the one row
whose intervals hold both: an indexed lookup, never a fold of history.

An event at position p effective at a is the latest fact recorded, so it applies last at every
effective time from a on: each current row whose interval reaches past a is closed at p, its part
before a (if any) reopened unchanged, and its part from a reopened with the state one `step` on.
Nothing recorded before p changes, so a read at an earlier position keeps its bytes. Free text
stays sealed here, as in `activity`; readers reveal it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.domain.case_state import KIND_OF, CaseState, TaskingState, fact_of, step
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES

AT_END = "9999-12-31T23:59:59Z"
POSITION_END = 2**62

_CASE_COLUMNS = (
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
    "state",
)
_TASKING_COLUMNS = (
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
    return json.dumps(found, sort_keys=True, separators=(",", ":"))


def load_state(text: str) -> CaseState:
    found = json.loads(text)
    return CaseState(
        **{
            **found,
            "taskings": {ref: TaskingState(**t) for ref, t in found["taskings"].items()},
            "links": tuple(found["links"]),
            "action_times": tuple(found["action_times"]),
        }
    )


class StateProjection(Projection):
    name = "state"
    tables = ("case_versions", "tasking_versions")
    version = 1
    lookup_indexes = (
        "idx_case_versions_reference_position_to_at_to",
        "idx_tasking_versions_reference_position_to_at_to",
    )

    def create(self, db: Database) -> None:
        db["case_versions"].create(
            {
                "reference": str,
                "at_from": str,
                "at_to": str,
                "position_from": int,
                "position_to": int,
                "status": str,
                "category": str,
                "area": str,
                "source": str,
                "risk": str,
                "lead": str,
                "received_at": str,
                "closed_at": str,
                # feedback owed (`CaseState.owed`): NULL owed_since when the reporter is not owed
                "feedback": str,
                "last_update": str,
                "owed_since": str,
                "owed_first_action": str,
                "owed_actions": int,
                "state": str,
            }
        )
        db["tasking_versions"].create(
            {
                "reference": str,
                "tasking": str,
                "at_from": str,
                "at_to": str,
                "position_from": int,
                "position_to": int,
                "tasked_agency": str,
                "owner": str,
                "action": str,
                "due": str,
                "status": str,
                "raised_at": str,
                "completed_at": str,
                "case_status": str,
            }
        )
        # Both axes: one case's versions by recorded time, and the current rows by effective time.
        db["case_versions"].create_index(["reference", "position_to", "at_to"])
        db["case_versions"].create_index(["position_to", "at_to", "at_from"])
        db["case_versions"].create_index(["received_at", "position_from"])
        db.execute(
            "CREATE INDEX case_versions_owed ON case_versions (position_to, at_to, at_from) "
            "WHERE owed_since IS NOT NULL"
        )
        db["tasking_versions"].create_index(["reference", "position_to", "at_to"])
        db["tasking_versions"].create_index(["position_to", "case_status", "status", "due"])

    @handles(*(getattr(Case, name) for name in KIND_OF))
    def _event(self, db: Database, e: Any, position: int) -> None:
        fact = fact_of(e)
        reference = e.reference if isinstance(e, Case.Reported) else REFERENCES.of(db, str(e.originator_id))
        a = fact["at"]
        if isinstance(e, Case.Reported):
            self._open(db, reference, a, AT_END, position, step(None, fact))
            return
        current = db.conn.execute(
            "SELECT rowid, at_from, at_to, state FROM case_versions WHERE reference = ? AND position_to = ? "
            "AND at_to > ? ORDER BY at_from",
            (reference, POSITION_END, a),
        ).fetchall()
        changes = []
        for rowid, at_from, at_to, text in current:
            old = load_state(text)
            new = step(old, fact)
            if new is not None and dataclasses.replace(new, rows=()) != old:
                changes.append((rowid, at_from, at_to, old, new))
        for rowid, at_from, at_to, old, new in changes:
            self._close(db, reference, rowid, at_from, position)
            if at_from < a:
                self._open(db, reference, at_from, a, position, old)
            self._open(db, reference, max(at_from, a), at_to, position, new)

    @staticmethod
    def _close(db: Database, reference: str, rowid: int, at_from: str, position: int) -> None:
        db.conn.execute("UPDATE case_versions SET position_to = ? WHERE rowid = ?", (position, rowid))
        db.conn.execute(
            "UPDATE tasking_versions SET position_to = ? WHERE reference = ? AND position_to = ? AND at_from = ?",
            (position, reference, POSITION_END, at_from),
        )

    def _open(
        self, db: Database, reference: str, at_from: str, at_to: str, position: int, state: CaseState | None
    ) -> None:
        if state is None:
            return
        owed_since, first_action, actions = state.owed() or (None, None, None)
        db.conn.execute(
            self.insert_sql("case_versions", _CASE_COLUMNS),
            (
                reference,
                at_from,
                at_to,
                position,
                POSITION_END,
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
                dump_state(state),
            ),
        )
        for t in state.taskings.values():
            db.conn.execute(
                self.insert_sql("tasking_versions", _TASKING_COLUMNS),
                (
                    reference,
                    t.tasking,
                    at_from,
                    at_to,
                    position,
                    POSITION_END,
                    t.tasked_agency,
                    t.owner,
                    t.action,
                    t.due,
                    t.status,
                    t.raised_at,
                    t.completed_at,
                    state.status,
                ),
            )
