"""Where the year's reports and the police-recorded ASB incidents were: the hotspot map's data.

Points are the year's reports (received in the financial year, as recorded by the position) that
have coordinates, and the police.uk ASB incidents of the year's months that have them. Each area's
label sits at the centroid of all those points in it. Reports without coordinates are counted by
area, for a table beside the map.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.queries import police
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states
from tasking.time.instants import financial_year_bounds, iso


def hotspots(db: Database, year: int, position: int) -> dict[str, Any]:
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    assert start is not None and end is not None, "a financial year has bounds"
    reports: list[list[float]] = []
    without: dict[str, int] = defaultdict(int)
    by_area: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for case in case_states(db, ReadPoint(at=None, position=position), kinds=("correct",), reveal_text=False).values():
        if not start <= case.received_at < end:
            continue
        if case.lat is None or case.lon is None:
            without[case.area] += 1
            continue
        reports.append([case.lat, case.lon])
        by_area[case.area].append((case.lat, case.lon))
    context: list[list[float]] = []
    for row in police.asb_rows(db, police.year_months(year), position):
        if row["lat"] is None or row["lon"] is None:
            continue
        context.append([row["lat"], row["lon"]])
        if row["area"] != "unmapped":
            by_area[row["area"]].append((row["lat"], row["lon"]))
    centroids = {
        area: [round(sum(p[0] for p in points) / len(points), 6), round(sum(p[1] for p in points) / len(points), 6)]
        for area, points in sorted(by_area.items())
    }
    return {
        "reports": sorted(reports),
        "police": sorted(context),
        "centroids": centroids,
        "without_coordinates": dict(sorted(without.items())),
    }
