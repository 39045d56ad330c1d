"""The `taskings` view: one row per tasking, with its agency, owner, due date and state."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class TaskingsProjection(Projection):
    name = "taskings"
    tables = ("taskings",)
    version = 1

    def create(self, db: Database) -> None:
        db["taskings"].create(
            {"case_id": str, "tasking": str, "agency": str, "owner": str, "action": str, "due": str,
             "raised_at": str, "raised_by": str, "status": str, "completed_at": str, "result": str},
            pk=("case_id", "tasking"),
        )
        db["taskings"].create_index(["status", "due"])

    @handles(Case.TaskingRaised)
    def _raised(self, db: Database, e: Any, position: int) -> None:
        self.insert(db, "taskings", 
            {"case_id": str(e.originator_id), "tasking": e.tasking, "agency": e.to_agency, "owner": e.owner,
             "action": e.action, "due": e.due, "raised_at": iso(e.at), "raised_by": e.user, "status": "open",
             "completed_at": None, "result": None}
        )

    @handles(Case.TaskingReassigned)
    def _reassigned(self, db: Database, e: Any, position: int) -> None:
        db.execute("UPDATE taskings SET agency = ?, owner = ? WHERE case_id = ? AND tasking = ?",
                   [e.to_agency, e.owner, str(e.originator_id), e.tasking])

    @handles(Case.TaskingCompleted)
    def _completed(self, db: Database, e: Any, position: int) -> None:
        db.execute("UPDATE taskings SET status = 'completed', completed_at = ?, result = ? WHERE case_id = ? AND tasking = ?",
                   [iso(e.at), e.result, str(e.originator_id), e.tasking])
