"""Possible duplicates: two agencies' reports that look like one incident, for a person to decide.

Two open reports are a possible same incident when they came from different agencies, the
behaviour occurred within 2 hours of each other, their categories have the same ASB type, and
they were at the same place: the same normalised location, or within 150 m when both have
coordinates. Pairs already joined (by any link, or in one incident) and pairs dismissed by the
point are not suggested. Confirming a pair is a `same-incident` link; dismissing it is a
`DuplicateDismissal`, and the pair is never suggested again.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.queries.point import ReadPoint
from tasking.queries.state import CaseState, incident_groups, received_since, versioned_states
from tasking.time.instants import iso

WITHIN = dt.timedelta(hours=2)
RADIUS_M = 150.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def dismissed_pairs(db: Database, point: ReadPoint) -> set[frozenset[str]]:
    sql = "SELECT [case], other FROM duplicate_dismissals WHERE position <= ?"
    params: list[Any] = [point.position]
    if point.at is not None:
        sql, params = sql + " AND at <= ?", [*params, iso(point.at)]
    return {frozenset(pair) for pair in db.execute(sql, params).fetchall()}


def _when(case: CaseState) -> dt.datetime:
    return dt.datetime.fromisoformat(case.occurred_at.replace("Z", "+00:00"))


def _candidates(
    db: Database, point: ReadPoint, focus: set[str] | None, states: dict[str, CaseState] | None = None
) -> dict[str, CaseState]:
    """The open-or-not cases that could pair with the focus, as they stood at the point, by index.

    A report cannot have occurred after it was received (the write side refuses it, corrections
    too), so every case within `WITHIN` of a focus case's occurrence was received after the
    earliest such moment: the `case_versions` rows found by their `received_at` index."""
    if focus is None:
        return versioned_states(db, point, reveal_text=False)
    mine = versioned_states(db, point, focus, reveal_text=False) if states is None else states
    if not mine:
        return {}
    times = [_when(case) for case in mine.values()]
    low, high = min(times) - WITHIN, max(times) + WITHIN
    near = received_since(db, point, iso(low - dt.timedelta(seconds=1)), reveal_text=False)
    return {ref: case for ref, case in near.items() if low <= _when(case) <= high} | mine


def _match(config: PartnershipConfig, one: CaseState, two: CaseState) -> dict[str, Any] | None:
    if one.source == two.source:
        return None
    kinds = [config.categories.get(case.category) for case in (one, two)]
    if kinds[0] is None or kinds[1] is None or kinds[0].asb_type != kinds[1].asb_type:
        return None
    distance = None
    if None not in (one.lat, one.lon, two.lat, two.lon):
        distance = distance_m((one.lat, one.lon), (two.lat, two.lon))  # type: ignore[arg-type]
    if one.location_key and one.location_key == two.location_key:
        match = "same-location"
    elif distance is not None and distance <= RADIUS_M:
        match = "within-150m"
    else:
        return None
    return {"match": match, "distance_m": None if distance is None else round(distance), "asb_type": kinds[0].asb_type}


def possible_duplicates(
    db: Database,
    config: PartnershipConfig,
    point: ReadPoint,
    focus: Iterable[str] | None = None,
    groups: dict[str, str] | None = None,
    focus_states: dict[str, CaseState] | None = None,
) -> list[dict[str, Any]]:
    """Every possible same-incident pair at the point (with `focus`, only pairs involving those cases).
    A caller that has read the `incident_groups` at the point passes them in, and one that holds
    the focus cases' states at the point (the briefing's new reports) passes those."""
    wanted = None if focus is None else set(focus)
    states = _candidates(db, point, wanted, focus_states)
    groups = incident_groups(db, point) if groups is None else groups
    dismissed = dismissed_pairs(db, point)
    open_cases = sorted((case for case in states.values() if case.is_open), key=lambda c: (_when(c), c.reference))
    items = []
    for index, one in enumerate(open_cases):
        for two in open_cases[index + 1 :]:
            apart = _when(two) - _when(one)
            if apart > WITHIN:
                break
            if wanted is not None and one.reference not in wanted and two.reference not in wanted:
                continue
            pair = frozenset((one.reference, two.reference))
            if pair in dismissed or groups.get(one.reference, one.reference) == groups.get(
                two.reference, two.reference
            ):
                continue
            if any(link["to"] == two.reference for link in one.links):
                continue
            found = _match(config, one, two)
            if found is None:
                continue
            first, second = sorted((one, two), key=lambda c: c.reference)
            items.append(
                {
                    "case": first.reference,
                    "other": second.reference,
                    "sources": [first.source, second.source],
                    "categories": [first.category, second.category],
                    "areas": [first.area, second.area],
                    "locations": [first.location, second.location],
                    "occurred_at": [first.occurred_at, second.occurred_at],
                    "minutes_apart": int(apart.total_seconds() // 60),
                    **found,
                }
            )
    items.sort(key=lambda item: (item["case"], item["other"]))
    return items
