"""The `activity` view: one row per event on a case, by effective time. Feeds feedback, stats, explain."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso

# Things done on a case that the reporter should hear about.
FEEDBACK_ACTIONS = ("follow-up", "tasking-completed", "power", "referral", "closure")


def status_at(alias: str) -> str:
    """SQL: the case's last closure or reopening at or before the bound time ('closure' means closed)."""
    return (f"(SELECT s.kind FROM activity s WHERE s.case_id = {alias}.id AND s.kind IN ('closure', 'reopening') "
            "AND s.at <= ? ORDER BY s.at DESC, s.position DESC LIMIT 1)")

KINDS: dict[type, tuple[str, str | None]] = {
    Case.Reported: ("report", "category"),
    Case.Linked: ("link", "reason"),
    Case.TaskingRaised: ("tasking-raised", "to_agency"),
    Case.TaskingReassigned: ("tasking-reassigned", "to_agency"),
    Case.TaskingCompleted: ("tasking-completed", "tasking"),
    Case.FollowUpMade: ("follow-up", "kind"),
    Case.ReporterUpdated: ("reporter-update", "channel"),
    Case.PowerUsed: ("power", "power"),
    Case.Referred: ("referral", "target"),
    Case.RiskAssessed: ("risk", "level"),
    Case.RiskReviewed: ("risk-review", "level"),
    Case.Corrected: ("correction", "field"),
    Case.Closed: ("closure", "reason"),
    Case.Reopened: ("reopening", None),
}


class ActivityProjection(Projection):
    name = "activity"
    tables = ("activity",)
    version = 2

    def create(self, db: Database) -> None:
        db["activity"].create(
            {"position": int, "case_id": str, "kind": str, "detail": str, "value": str, "tasking": str,
             "at": str, "user": str, "agency": str, "source": str, "area": str, "category": str, "feedback": str, "channel": str, "risk": str},
            pk="position",
        )
        db["activity"].create_index(["case_id", "at"])
        db["activity"].create_index(["kind", "at"])

    @handles(*KINDS)
    def _row(self, db: Database, e: Any, position: int) -> None:
        kind, detail_attr = KINDS[type(e)]
        self.insert(db, "activity", 
            {
                "position": position, "case_id": str(e.originator_id), "kind": kind,
                "detail": getattr(e, detail_attr) if detail_attr else None,
                "value": getattr(e, "value", None) or getattr(e, "to", None),
                "tasking": getattr(e, "tasking", None), "at": iso(e.at), "user": e.user, "agency": e.agency,
                # A report's attributes as first recorded; corrections are their own rows.
                "source": getattr(e, "source", None), "area": getattr(e, "area", None),
                "category": getattr(e, "category", None), "feedback": getattr(e, "feedback", None),
                "channel": getattr(e, "channel", None) if kind == "report" else None,
                "risk": getattr(e, "risk", None) if kind == "report" else None,
            }, deferred=True
        )
