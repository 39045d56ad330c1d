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
from tasking.time.instants import iso, local_day_and_year


class TaskingsProjection(Projection):
    name = "taskings"
    tables = ("taskings",)
    version = 3

    def create(self, db: Database) -> None:
        db["taskings"].create(
            {"case": str, "tasking": str, "tasked_agency": str, "owner": str, "action": str, "due": str,
             "raised_at": str, "raised_by": str, "status": str, "completed_at": str,
             # for analysts: local dates and the financial year the tasking was raised in
             "raised_date": str, "financial_year": str, "completed_date": str},
            pk=("case", "tasking"),
        )

    @staticmethod
    def _case(db: Database, e: Any) -> str:
        return db.conn.execute("SELECT reference FROM case_refs WHERE case_id = ?", (str(e.originator_id),)).fetchone()[0]

    @handles(Case.TaskingRaised)
    def _raised(self, db: Database, e: Any, position: int) -> None:
        raised_date, financial_year = local_day_and_year(e.at)
        self.insert(db, "taskings", {
            "raised_date": raised_date, "financial_year": financial_year, "completed_date": None,
            "case": self._case(db, e), "tasking": e.tasking, "tasked_agency": e.to_agency, "owner": e.owner,
            "action": e.action, "due": e.due, "raised_at": iso(e.at), "raised_by": e.user, "status": "open",
            "completed_at": None})

    @handles(Case.TaskingReassigned)
    def _reassigned(self, db: Database, e: Any, position: int) -> None:
        db.execute("UPDATE taskings SET tasked_agency = ?, owner = ? WHERE [case] = ? AND tasking = ?",
                   [e.to_agency, e.owner, self._case(db, e), e.tasking])

    @handles(Case.TaskingCompleted)
    def _completed(self, db: Database, e: Any, position: int) -> None:
        db.execute("UPDATE taskings SET status = 'completed', completed_at = ?, completed_date = ? "
                   "WHERE [case] = ? AND tasking = ?", [iso(e.at), local_day_and_year(e.at)[0], self._case(db, e), e.tasking])
