"""The police.uk context views: each month's figures as each event recorded them, append-only.

A month imported again adds its new rows at a later position; reads take, for each month, the
latest event recorded by their position (`tasking.queries.police`), so a replaced month is never
counted twice and a read at an earlier position still sees the figures it saw then.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.police import PoliceMonth
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class PoliceProjection(Projection):
    name = "police"
    tables = ("police_months", "police_asb", "police_crimes")
    version = 1

    def create(self, db: Database) -> None:
        db.table("police_months").create(
            {"position": int, "month": str, "at": str, "user": str, "asb_incidents": int, "files": str}, pk="position"
        )
        db.table("police_months").create_index(["month", "position"])
        db.table("police_asb").create(
            {
                "position": int,
                "month": str,
                "item": int,
                "lsoa_code": str,
                "area": str,
                "lat": float,
                "lon": float,
                "location": str,
            },
            pk=("position", "item"),
        )
        db.table("police_crimes").create(
            {"position": int, "month": str, "crime_type": str, "area": str, "count": int},
            pk=("position", "crime_type", "area"),
        )

    @handles(PoliceMonth.Recorded, PoliceMonth.Replaced)
    def _month(self, db: Database, e: Any, position: int) -> None:
        month = e.month
        self.insert(
            db,
            "police_months",
            {
                "position": position,
                "month": month,
                "at": iso(e.at),
                "user": e.user,
                "asb_incidents": len(e.asb),
                "files": " ".join(e.files),
            },
        )
        for index, (lsoa, area, lat, lon, location) in enumerate(e.asb):
            self.insert(
                db,
                "police_asb",
                {
                    "position": position,
                    "month": month,
                    "item": index,
                    "lsoa_code": lsoa,
                    "area": area,
                    "lat": lat,
                    "lon": lon,
                    "location": location,
                },
                deferred=True,
            )
        for crime_type, areas in sorted(e.crimes.items()):
            for area, count in sorted(areas.items()):
                self.insert(
                    db,
                    "police_crimes",
                    {"position": position, "month": month, "crime_type": crime_type, "area": area, "count": count},
                    deferred=True,
                )
