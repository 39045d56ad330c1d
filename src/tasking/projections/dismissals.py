"""The `duplicate_dismissals` view: pairs of reports a person said are not one incident."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.duplicates import DuplicateDismissal
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class DismissalsProjection(Projection):
    name = "dismissals"
    tables = ("duplicate_dismissals",)
    version = 1

    def create(self, db: Database) -> None:
        db.table("duplicate_dismissals").create(
            {"position": int, "case": str, "other": str, "reason": str, "at": str, "user": str, "agency": str},
            pk="position",
        )

    @handles(DuplicateDismissal.Dismissed)
    def _dismissed(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "duplicate_dismissals",
            {
                "position": position,
                "case": e.case,
                "other": e.other,
                "reason": e.reason,
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
            },
        )
