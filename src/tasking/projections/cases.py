"""The `cases` view: one row per case with its current state (no personal details, only references)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.projections.normalise import location_key
from tasking.time.instants import iso


class CasesProjection(Projection):
    name = "cases"
    tables = ("cases",)
    version = 2

    def create(self, db: Database) -> None:
        db["cases"].create(
            {
                "reference": str, "id": str, "status": str, "source": str, "channel": str, "category": str,
                "area": str, "location": str, "location_key": str, "occurred_at": str, "received_at": str,
                "reporter": str, "victim": str, "feedback": str, "risk": str, "risk_since": str, "summary": str,
                "closed_at": str, "closed_reason": str, "reported_by": str, "reported_agency": str,
                "position": int, "updated_position": int,
            },
            pk="reference",
        )
        db["cases"].create_index(["id"], unique=True)
        db["cases"].create_index(["received_at"])
        db["cases"].create_index(["location_key", "received_at"])

    @handles(Case.Reported)
    def _reported(self, db: Database, e: Any, position: int) -> None:
        self.insert(db, "cases", 
            {
                "reference": e.reference, "id": str(e.originator_id), "status": "open", "source": e.source,
                "channel": e.channel, "category": e.category, "area": e.area, "location": e.location,
                "location_key": location_key(e.location), "occurred_at": iso(e.occurred_at),
                "received_at": iso(e.at), "reporter": e.reporter, "victim": e.victim, "feedback": e.feedback,
                "risk": e.risk, "risk_since": iso(e.at), "summary": e.summary, "closed_at": None,
                "closed_reason": None, "reported_by": e.user, "reported_agency": e.agency,
                "position": position, "updated_position": position,
            }
        )

    def _update(self, db: Database, e: Any, position: int, **values: Any) -> None:
        db.execute(
            "UPDATE cases SET " + ", ".join(f"{k} = ?" for k in values) + ", updated_position = ? WHERE id = ?",
            [*values.values(), position, str(e.originator_id)],
        )

    @handles(Case.RiskAssessed)
    def _risk(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, risk=e.level, risk_since=iso(e.at))

    @handles(Case.Corrected)
    def _corrected(self, db: Database, e: Any, position: int) -> None:
        if e.field == "occurred":
            self._update(db, e, position, occurred_at=e.value)
        elif e.field == "location":
            self._update(db, e, position, location=e.value, location_key=location_key(e.value))
        else:
            self._update(db, e, position, **{e.field: e.value})

    @handles(Case.Closed)
    def _closed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, status="closed", closed_at=iso(e.at), closed_reason=e.reason)

    @handles(Case.Reopened)
    def _reopened(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, status="open", closed_at=None, closed_reason=None)
