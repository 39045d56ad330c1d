"""Police-recorded context figures (data.police.uk), counted like every other figure.

For each month of the financial year, the month's latest event recorded by the position counts
(an import again replaces a month, never adds to it). `asb_incidents` is the length of the list
of Anti-social behaviour rows behind it, so `--explain police_recorded.asb_incidents` lists them.
The figures are `null` for a year with no month imported: not recorded is not zero.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

PREFIX = "police_recorded"


def year_months(year: int) -> list[str]:
    return [f"{year + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def latest_months(db: Database, months: list[str], position: int) -> dict[str, dict[str, Any]]:
    """Each month's latest event recorded by `position`."""
    found: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "SELECT * FROM police_months WHERE position <= ? AND month IN (SELECT value FROM json_each(?)) "
        "ORDER BY position",
        [position, _json(months)],
    ):
        found[row["month"]] = row
    return found


def asb_rows(db: Database, months: list[str], position: int) -> list[dict[str, Any]]:
    """The ASB incidents of the months' latest events, in month and row order."""
    latest = latest_months(db, months, position)
    if not latest:
        return []
    return list(
        db.query(
            "SELECT a.*, m.at, m.user FROM police_asb a JOIN police_months m ON m.position = a.position "
            "WHERE a.position IN (SELECT value FROM json_each(?)) ORDER BY a.month, a.item",
            [_json([row["position"] for row in latest.values()])],
        )
    )


def contributions(db: Database, year: int, position: int) -> dict[str, list[dict[str, Any]]] | None:
    months = year_months(year)
    latest = latest_months(db, months, position)
    if not latest:
        return None
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    found[f"{PREFIX}.months"] = [{"month": month, "position": row["position"]} for month, row in sorted(latest.items())]
    for row in asb_rows(db, months, position):
        item = {
            "case": None,
            "kind": "police-uk",
            "position": row["position"],
            "at": row["month"],
            "user": row["user"],
            "agency": None,
            "detail": " ".join(part for part in (row["lsoa_code"], row["location"]) if part) or None,
        }
        found[f"{PREFIX}.asb_incidents"].append(item)
        found[f"{PREFIX}.by_area.{row['area']}"].append(item)
        found[f"{PREFIX}.by_month.{row['month']}"].append(item)
    return found


def figures(found: dict[str, list[Any]] | None, year: int) -> dict[str, Any] | None:
    if found is None:
        return None
    areas = sorted({key.split(".", 2)[2] for key in found if key.startswith(f"{PREFIX}.by_area.")})
    return {
        "asb_incidents": len(found.get(f"{PREFIX}.asb_incidents", [])),
        "months_recorded": len(found[f"{PREFIX}.months"]),
        "by_area": {area: len(found[f"{PREFIX}.by_area.{area}"]) for area in areas},
        "by_month": {month: len(found.get(f"{PREFIX}.by_month.{month}", [])) for month in year_months(year)},
        "source": "data.police.uk street-level crime, Anti-social behaviour",
    }


def _json(values: list[Any]) -> str:
    import json

    return json.dumps(values)
