"""The `taskings` view: one row per tasking as it stands now, for analysts (Datasette, Excel).

Reads never use it: they fold the `activity` rows at the point asked for (`tasking.queries.state`).
Rows name their case by reference, from `case_refs`, which the activity projection (applied first
in every batch) keeps.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES, day_and_year
from tasking.time.instants import iso


class TaskingsProjection(Projection):
    name = "taskings"
    tables = ("taskings",)
    version = 3

    def create(self, db: Database) -> None:
        db.table("taskings").create(
            {
                "case": str,
                "tasking": str,
                "tasked_agency": str,
                "owner": str,
                "action": str,
                "due": str,
                "raised_at": str,
                "raised_by": str,
                "status": str,
                "completed_at": str,
                # for analysts: local dates and the financial year the tasking was raised in
                "raised_date": str,
                "financial_year": str,
                "completed_date": str,
            },
            pk=("case", "tasking"),
        )

    @staticmethod
    def _case(db: Database, e: Any) -> str:
        return REFERENCES.of(db, str(e.originator_id))

    @handles(Case.TaskingRaised)
    def _raised(self, db: Database, e: Any, position: int) -> None:
        raised_date, financial_year = day_and_year(e.at)
        case = self._case(db, e)
        self.hold(
            "taskings",
            (case, e.tasking),
            {
                "raised_date": raised_date,
                "financial_year": financial_year,
                "completed_date": None,
                "case": case,
                "tasking": e.tasking,
                "tasked_agency": e.to_agency,
                "owner": e.owner,
                "action": e.action,
                "due": e.due,
                "raised_at": iso(e.at),
                "raised_by": e.user,
                "status": "open",
                "completed_at": None,
            },
        )

    @handles(Case.TaskingReassigned)
    def _reassigned(self, db: Database, e: Any, position: int) -> None:
        held = self.held("taskings", (self._case(db, e), e.tasking))
        if held is not None:  # raised in this batch: not written yet
            held.update(tasked_agency=e.to_agency, owner=e.owner)
            return
        db.conn.execute(
            "UPDATE taskings SET tasked_agency = ?, owner = ? WHERE [case] = ? AND tasking = ?",
            (e.to_agency, e.owner, self._case(db, e), e.tasking),
        )

    @handles(Case.TaskingCompleted)
    def _completed(self, db: Database, e: Any, position: int) -> None:
        held = self.held("taskings", (self._case(db, e), e.tasking))
        if held is not None:
            held.update(status="completed", completed_at=iso(e.at), completed_date=day_and_year(e.at)[0])
            return
        db.conn.execute(
            "UPDATE taskings SET status = 'completed', completed_at = ?, completed_date = ? "
            "WHERE [case] = ? AND tasking = ?",
            (iso(e.at), day_and_year(e.at)[0], self._case(db, e), e.tasking),
        )
