"""The `cases` view: one row per case as it stands now, for analysts (Datasette, Excel).

Reads never use it: they fold the `activity` rows at the point asked for (`tasking.queries.state`).
A test holds this view to that fold at the latest point, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.config import parse_config
from tasking.domain.case import Case
from tasking.domain.partnership import Partnership
from tasking.projections.base import Projection, handles
from tasking.projections.memo import day_and_year
from tasking.time.instants import iso


class CasesProjection(Projection):
    name = "cases"
    tables = ("cases", "categories")
    version = 4

    def create(self, db: Database) -> None:
        db.table("cases").create(
            {
                "reference": str,
                "id": str,
                "status": str,
                "received_at": str,
                "occurred_at": str,
                "source": str,
                "channel": str,
                "category": str,
                "area": str,
                "location": str,
                "feedback": str,
                "risk": str,
                "closed_at": str,
                "closed_reason": str,
                # for analysts: the local date and financial year of receipt, the police ASB flag, the lead
                "received_date": str,
                "financial_year": str,
                "asb": int,
                "lead": str,
            },
            pk="reference",
        )
        db.table("categories").create({"category": str, "name": str, "asb_type": str, "asb": int}, pk="category")
        db.table("cases").create_index(["id"], unique=True)

    @handles(Partnership.Configured)
    def _configured(self, db: Database, e: Any, position: int) -> None:
        """The partnership's categories, so that each case can carry its ASB flag."""
        self.__dict__.pop("_asb_known", None)
        for code, category in parse_config(e.config_toml).categories.items():
            self.insert(
                db,
                "categories",
                {
                    "category": code,
                    "name": category.name,
                    "asb_type": category.asb_type,
                    "asb": int(category.asb_type != "non-asb"),
                },
            )

    def _asb(self, db: Database, category: str) -> int | None:
        """The category's ASB flag, read once per batch (`categories` changes only with a `Configured`)."""
        known = self.__dict__.setdefault("_asb_known", {})
        if category not in known:
            row = db.conn.execute("SELECT asb FROM categories WHERE category = ?", (category,)).fetchone()
            known[category] = row[0] if row else None
        return known[category]

    def flush(self, db: Database) -> None:
        super().flush(db)
        self.__dict__.pop("_asb_known", None)

    def discard(self) -> None:
        super().discard()
        self.__dict__.pop("_asb_known", None)

    @handles(Case.Reported)
    def _reported(self, db: Database, e: Any, position: int) -> None:
        received_date, financial_year = day_and_year(e.at)
        self.hold(
            "cases",
            str(e.originator_id),
            {
                "received_date": received_date,
                "financial_year": financial_year,
                "asb": self._asb(db, e.category),
                "lead": None,
                "reference": e.reference,
                "id": str(e.originator_id),
                "status": "open",
                "received_at": iso(e.at),
                "occurred_at": iso(e.occurred_at),
                "source": e.source,
                "channel": e.channel,
                "category": e.category,
                "area": e.area,
                "location": e.location,
                "feedback": e.feedback,
                "risk": e.risk,
                "closed_at": None,
                "closed_reason": None,
            },
        )

    _updates: dict[tuple[str, ...], str] = {}

    def _update(self, db: Database, e: Any, **values: Any) -> None:
        held = self.held("cases", str(e.originator_id))
        if held is not None:  # reported in this batch: not written yet
            held.update(values)
            return
        columns = tuple(values)
        sql = self._updates.get(columns)
        if sql is None:
            sql = self._updates[columns] = "UPDATE cases SET " + ", ".join(f"{k} = ?" for k in values) + " WHERE id = ?"
        db.conn.execute(sql, (*values.values(), str(e.originator_id)))

    @handles(Case.RiskAssessed, Case.RiskReviewed)
    def _risk(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, risk=e.level)

    @handles(Case.Corrected)
    def _corrected(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, **{"occurred_at" if e.field == "occurred" else e.field: e.value})
        if e.field == "category":
            self._update(db, e, asb=self._asb(db, e.value))

    @handles(Case.LeadAssigned)
    def _lead(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, lead=e.lead)

    @handles(Case.Closed)
    def _closed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="closed", closed_at=iso(e.at), closed_reason=e.reason)

    @handles(Case.Reopened)
    def _reopened(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="open", closed_at=None, closed_reason=None)
