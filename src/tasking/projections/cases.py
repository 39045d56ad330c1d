"""The `cases` view: one row per case as it stands now, for analysts (Datasette, Excel).

Reads never use it: they fold the `activity` rows at the point asked for (`tasking.queries.state`).
A test holds this view to that fold at the latest point, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class CasesProjection(Projection):
    name = "cases"
    tables = ("cases",)
    version = 3

    def create(self, db: Database) -> None:
        db["cases"].create(
            {
                "reference": str, "id": str, "status": str, "received_at": str, "occurred_at": str, "source": str,
                "channel": str, "category": str, "area": str, "location": str, "feedback": str, "risk": str,
                "closed_at": str, "closed_reason": str,
            },
            pk="reference",
        )
        db["cases"].create_index(["id"], unique=True)

    @handles(Case.Reported)
    def _reported(self, db: Database, e: Any, position: int) -> None:
        self.insert(db, "cases", {
            "reference": e.reference, "id": str(e.originator_id), "status": "open", "received_at": iso(e.at),
            "occurred_at": iso(e.occurred_at), "source": e.source, "channel": e.channel, "category": e.category,
            "area": e.area, "location": e.location, "feedback": e.feedback, "risk": e.risk, "closed_at": None,
            "closed_reason": None,
        })

    def _update(self, db: Database, e: Any, **values: Any) -> None:
        db.execute("UPDATE cases SET " + ", ".join(f"{k} = ?" for k in values) + " WHERE id = ?",
                   [*values.values(), str(e.originator_id)])

    @handles(Case.RiskAssessed, Case.RiskReviewed)
    def _risk(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, risk=e.level)

    @handles(Case.Corrected)
    def _corrected(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, **{"occurred_at" if e.field == "occurred" else e.field: e.value})

    @handles(Case.Closed)
    def _closed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="closed", closed_at=iso(e.at), closed_reason=e.reason)

    @handles(Case.Reopened)
    def _reopened(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="open", closed_at=None, closed_reason=None)
