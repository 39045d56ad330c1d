"""The `escalations` view: one row per event of a case review, a Task and Finish group or a
Community MARAC meeting, by effective time and position.

Append-only, like `activity`: every read folds the rows up to its position (recorded time) and
its moment (effective time), so a read as at any past point is the record as it stood then.
Extra details are kept as JSON in `value`; no personal details, only person references.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tasking.domain.case_review import CaseReview
from tasking.domain.marac import MaracMeeting
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso

# event class -> (kind, the attribute kept as `detail`, the attributes kept in `value`)
KINDS: dict[type, tuple[str, str | None, tuple[str, ...]]] = {
    CaseReview.Applied: ("cr-applied", "applicant", ("on_behalf_of", "cases")),
    CaseReview.Acknowledged: ("cr-acknowledged", None, ("note",)),
    CaseReview.Assessed: ("cr-assessed", None, ("threshold_met", "qualifying", "excluded", "rules_applied", "met_by")),
    CaseReview.Decided: ("cr-decided", "outcome", ("reason",)),
    CaseReview.Held: ("cr-held", None, ("note",)),
    CaseReview.Recommended: ("cr-recommended", "to_agency", ("recommendation", "action", "due", "tasking")),
    CaseReview.Responded: ("cr-responded", None, ("note",)),
    CaseReview.Closed: ("cr-closed", None, ("note",)),
    TaskAndFinishGroup.Opened: ("tfg-opened", "area", ("focus", "cases", "reason")),
    TaskAndFinishGroup.CaseAdded: ("tfg-case-added", None, ()),
    TaskAndFinishGroup.ActionRaised: ("tfg-action-raised", "to_agency", ("action_ref", "action", "due")),
    TaskAndFinishGroup.ActionCompleted: ("tfg-action-completed", "action_ref", ("result",)),
    TaskAndFinishGroup.Met: ("tfg-met", None, ("note",)),
    TaskAndFinishGroup.Completed: ("tfg-completed", None, ("outcome",)),
    MaracMeeting.Scheduled: ("marac-meeting", None, ()),
    MaracMeeting.Discussed: ("marac-discussed", None, ("outcome", "taskings", "review_at", "discharged")),
}


def reference_of(event: Any) -> str:
    return getattr(event, "reference", None) or getattr(event, "meeting_day", None) or ""


class EscalationsProjection(Projection):
    name = "escalations"
    tables = ("escalations", "escalation_refs")
    version = 1

    def create(self, db: Database) -> None:
        db.table("escalations").create(
            {
                "position": int,
                "aggregate_id": str,
                "kind": str,
                "case_ref": str,
                "detail": str,
                "value": str,
                "at": str,
                "user": str,
                "agency": str,
            },
            pk="position",
        )
        db.table("escalations").create_index(["aggregate_id", "position"])
        db.table("escalations").create_index(["kind", "at"])
        # Only the first event of an aggregate names it: the reference of every later row comes from here.
        db.table("escalation_refs").create({"aggregate_id": str, "reference": str}, pk="aggregate_id")

    @handles(*KINDS)
    def _row(self, db: Database, e: Any, position: int) -> None:
        kind, detail_attr, value_attrs = KINDS[type(e)]
        if kind in ("cr-applied", "tfg-opened", "marac-meeting"):
            self.insert(db, "escalation_refs", {"aggregate_id": str(e.originator_id), "reference": reference_of(e)})
        self.insert(
            db,
            "escalations",
            {
                "position": position,
                "aggregate_id": str(e.originator_id),
                "kind": kind,
                "case_ref": getattr(e, "case", None),
                "detail": getattr(e, detail_attr) if detail_attr else None,
                "value": json.dumps({name: getattr(e, name) for name in value_attrs}, sort_keys=True, default=str),
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
            },
        )
