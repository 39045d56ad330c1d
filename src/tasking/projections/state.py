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
from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.domain.case_state import KIND_OF, fact_of, step
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES
from tasking.projections.spans import SPANNED, create_spans, drop_spans, span_day
from tasking.projections.state_versions import (
    AT_END,
    CASE_COLUMNS,
    POSITION_END,
    TASKING_COLUMNS,
    VersionBatch,
    dump_state,
    load_state,
)

# the partial index's condition, as `tasking.queries.intervals.received` spells it
LATEST_RECEIVED = f"position_to = {POSITION_END} AND at_to = '{AT_END}'"

__all__ = [
    "AT_END",
    "LATEST_RECEIVED",
    "POSITION_END",
    "SPANNED",
    "StateProjection",
    "dump_state",
    "load_state",
    "span_day",
]


class StateProjection(Projection):
    name = "state"
    tables = ("case_versions", "tasking_versions")
    # 2: the indexes each briefing section is found by; 3: a window of receipts by index alone;
    # 4: `owed_day`, so feedback owed counts working days from a stored date, not a parsed instant,
    # and the R*Trees of the rows closed on either axis (`tasking.projections.spans`); 5: the latest
    # states by receipt (`case_versions_latest_received`)
    version = 5
    lookup_indexes = (
        "idx_case_versions_reference_position_to_at_to",
        "idx_tasking_versions_reference_position_to_at_to",
    )

    def create(self, db: Database) -> None:
        db.table("case_versions").create(
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
                "owed_day": str,  # owed_since's date in Europe/London, from which the service level counts
                # the repeat flags' and case review prompts' fields, read by `case_versions_received`
                "location": str,
                "place": str,  # the normalised location (`location_key`)
                "reporter": str,
                "victim": str,
                "state": str,
            }
        )
        db.table("tasking_versions").create(
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
        db.table("case_versions").create_index(["reference", "position_to", "at_to"])
        db.table("case_versions").create_index(["position_to", "at_to", "at_from"])
        # A window of receipts (new reports, repeat flags, case review prompts) read from the index
        # alone: the rows' intervals and the fields those reads show, never the stored state.
        db.table("case_versions").create_index(
            [
                "received_at",
                "position_from",
                "position_to",
                "at_from",
                "at_to",
                "reference",
                "category",
                "area",
                "place",
                "location",
                "reporter",
                "victim",
            ],
            index_name="case_versions_received",
        )
        # The same fields of each case's latest state alone (one entry a case, not one a version): a
        # window of receipts read at a moment (`tasking.queries.intervals.received`), in its order
        # (`received_at, reference`), so the window is not sorted again.
        db.execute(
            "CREATE INDEX case_versions_latest_received ON case_versions (received_at, reference, at_from, "
            f"position_from, category, area, place, location, reporter, victim, position_to, at_to) WHERE {LATEST_RECEIVED}"
        )
        db.execute(
            "CREATE INDEX case_versions_owed ON case_versions (position_to, at_to, at_from) "
            "WHERE owed_since IS NOT NULL"
        )
        db.table("case_versions").create_index(["status", "risk", "position_to", "at_to"])
        # the open case list: at a moment, the latest states begun by then (`spans`)
        db.table("case_versions").create_index(["status", "position_to", "at_to", "at_from"])
        db.table("case_versions").create_index(["category", "position_to", "at_to"])
        db.table("tasking_versions").create_index(["reference", "position_to", "at_to"])
        # Open taskings: the recorded axis, then effective time before `due`, so a read at the
        # latest meeting walks the taskings open now, not every interval a tasking was ever open;
        # at a past moment, the latest ones begun by then (`at_from`; the rest by `spans`).
        db.table("tasking_versions").create_index(["position_to", "case_status", "status", "at_to", "at_from", "due"])
        db.table("tasking_versions").create_index(["raised_at", "position_from"])
        for table in ("case_versions", "tasking_versions"):
            create_spans(db, table)

    def drop(self, db: Database) -> None:
        super().drop(db)
        for table in ("case_versions", "tasking_versions"):
            drop_spans(db, table)

    def __init__(self) -> None:
        super().__init__()
        self._versions = VersionBatch()

    @handles(*(getattr(Case, name) for name in KIND_OF))
    def _event(self, db: Database, e: Any, position: int) -> None:
        fact = fact_of(e)
        reported = isinstance(e, Case.Reported)
        reference = e.reference if reported else REFERENCES.of(db, str(e.originator_id))
        a = fact["at"]
        batch = self._versions
        if reported:
            state = step(None, fact)
            if state is not None:
                batch.current(db, reference)  # none stored: a case is reported once
                # Kept as stored (without the facts folded), as every version is compared below.
                batch.open(reference, a, AT_END, position, dataclasses.replace(state, rows=()))
            return
        changes = []
        for version in batch.current(db, reference):
            if version.at_to <= a:
                continue
            new = step(version.state, fact)
            if new is not None:
                new = dataclasses.replace(new, rows=())
                if new != version.state:
                    changes.append((version, new))
        for version, new in changes:
            batch.close(version, position)
            if version.at_from < a:
                batch.open(reference, version.at_from, a, position, version.state, version.text)
            batch.open(reference, max(version.at_from, a), version.at_to, position, new)

    def flush(self, db: Database) -> None:
        self._versions.write(
            db, self.insert_sql("case_versions", CASE_COLUMNS), self.insert_sql("tasking_versions", TASKING_COLUMNS)
        )
        super().flush(db)

    def discard(self) -> None:
        self._versions.forget()
        super().discard()
