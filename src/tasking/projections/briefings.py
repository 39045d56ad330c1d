"""The `briefings` view: every pack issued, its meeting and its window."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.briefing import Briefing
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso, iso_precise


class BriefingsProjection(Projection):
    name = "briefings"
    tables = ("briefings",)
    version = 1

    def create(self, db: Database) -> None:
        db.table("briefings").create(
            {
                "meeting_day": str,
                "meeting": str,
                "window_from": str,
                "window_to": str,
                "new_reports": int,
                "due_taskings": int,
                "feedback_owed": int,
                "digest": str,
                "issued_at": str,
                "issued_by": str,
                "position": int,
            },
            pk="meeting_day",
        )

    @handles(Briefing.BriefingIssued)
    def _issued(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "briefings",
            {
                "meeting_day": e.meeting_day,
                "meeting": iso(e.meeting),
                "window_from": iso(e.window_from),
                "window_to": iso(e.window_to),
                "new_reports": len(e.new_reports),
                "due_taskings": len(e.due_taskings),
                "feedback_owed": len(e.feedback_owed),
                "digest": e.digest,
                "issued_at": iso_precise(e.at),
                "issued_by": e.user,
                "position": position,
            },
        )
