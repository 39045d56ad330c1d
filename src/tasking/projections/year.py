"""The `year_events` view: one row per event of the partnership's year (issue 26): plan actions,
activities, PACT panels, grants and cameras, by effective time and position.

Append-only, like `escalations`: every read folds the rows up to its position (recorded time) and
its moment (effective time). An event's own fields are kept as JSON in `value`; they hold
references and agency codes, never a person's details.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tasking.domain.action_plan import PlanAction
from tasking.domain.cctv import Camera
from tasking.domain.funding import Grant
from tasking.domain.partnership_activity import PactPanel, PartnershipActivity
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso

# event class -> its kind in the view; the first event of each aggregate names it. The classes are
# made by the library's `@event` decorators, so they are looked up by name.
KINDS: dict[type, str] = {
    getattr(aggregate, name): kind
    for aggregate, name, kind in (
        (PlanAction, "Added", "plan-added"),
        (PlanAction, "Updated", "plan-updated"),
        (PartnershipActivity, "Recorded", "activity"),
        (PactPanel, "SetUp", "pact-panel"),
        (Grant, "Received", "grant"),
        (Grant, "Allocated", "allocation"),
        (Grant, "Spent", "spend"),
        (Camera, "Added", "camera"),
        (Camera, "Deployed", "deployment"),
        (Camera, "Linked", "deployment-link"),
    )
}
FIRST = ("plan-added", "activity", "pact-panel", "grant", "camera")
_COMMON = {"originator_id", "originator_version", "timestamp", "user", "agency", "at", "reference"}


class YearProjection(Projection):
    name = "partnership_year"
    tables = ("year_events", "year_refs")
    version = 1

    def create(self, db: Database) -> None:
        db.table("year_events").create(
            {"position": int, "aggregate_id": str, "kind": str, "at": str, "user": str, "agency": str, "value": str},
            pk="position",
        )
        db.table("year_events").create_index(["kind", "at"])
        db.table("year_refs").create({"aggregate_id": str, "reference": str}, pk="aggregate_id")

    @handles(*KINDS)
    def _row(self, db: Database, e: Any, position: int) -> None:
        kind = KINDS[type(e)]
        if kind in FIRST:
            self.insert(db, "year_refs", {"aggregate_id": str(e.originator_id), "reference": e.reference})
        value = {name: found for name, found in vars(e).items() if name not in _COMMON}
        self.insert(
            db,
            "year_events",
            {
                "position": position,
                "aggregate_id": str(e.originator_id),
                "kind": kind,
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
                "value": json.dumps(value, sort_keys=True, default=str),
            },
        )
