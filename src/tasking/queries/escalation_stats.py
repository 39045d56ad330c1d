"""The year's figures for the escalation routes, built like every other figure: each is the length
of its list of contributing events, so `--explain case_reviews.applications` cannot disagree.

- `case_reviews`: the four figures a partnership must publish each year (statutory guidance):
  `applications` (applications received), `threshold_not_met` (assessments that found it not
  met), `reviews` (reviews held) and `reviews_with_recommendations` (each review's first
  recommendation).
- `task_and_finish_groups`: `opened` and `completed` in the year; `ongoing` is every group open
  at the end of the year, whenever it was opened (its contributing event is its opening).
- `community_marac`: `meetings` held, `cases_discussed` (each case once, at its first discussion
  in the year) and `referrals` (`refer --to community-marac`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from tasking.projections.escalations import KINDS
from tasking.time.instants import financial_year_bounds, iso

FIGURES = {
    "case_reviews": ("applications", "threshold_not_met", "reviews", "reviews_with_recommendations"),
    "task_and_finish_groups": ("opened", "completed", "ongoing"),
    "community_marac": ("meetings", "cases_discussed", "referrals"),
}
EVENT_NAMES = {kind: cls.__qualname__ for cls, (kind, _, _) in KINDS.items()}


def contributions(
    db: Database, year: int, position: int, marac_referrals: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The contributing events of each escalation figure, keyed like `case_reviews.applications`.

    `marac_referrals` are the year's `referrals.community-marac` rows, counted as they are there."""
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = [
        dict(r)
        for r in db.query(
            "SELECT e.position, e.kind, e.case_ref AS subject, e.detail, e.value, e.at, e.user, e.agency, r.reference "
            "FROM escalations e JOIN escalation_refs r ON r.aggregate_id = e.aggregate_id "
            "WHERE e.position <= ? AND e.at < ? ORDER BY e.position",
            [position, end],
        )
    ]
    completed_by_end = {row["reference"] for row in rows if row["kind"] == "tfg-completed"}
    recommended: set[str] = set()
    discussed: set[str] = set()
    for row in rows:
        kind, in_year = row["kind"], row["at"] >= start
        item = {
            "position": row["position"],
            "case": row["subject"] or row["reference"],
            "kind": kind,
            "detail": row["detail"] or row["reference"],
            "tasking": None,
            "at": row["at"],
            "user": row["user"],
            "agency": row["agency"],
        }
        if kind == "tfg-opened" and row["reference"] not in completed_by_end:
            found["task_and_finish_groups.ongoing"].append(item)
        if not in_year:
            continue
        if kind == "cr-applied":
            found["case_reviews.applications"].append(item)
        elif kind == "cr-assessed" and json.loads(row["value"])["threshold_met"] is False:
            found["case_reviews.threshold_not_met"].append(item)
        elif kind == "cr-held":
            found["case_reviews.reviews"].append(item)
        elif kind == "cr-recommended" and row["reference"] not in recommended:
            recommended.add(row["reference"])
            found["case_reviews.reviews_with_recommendations"].append({**item, "detail": row["reference"]})
        elif kind == "tfg-opened":
            found["task_and_finish_groups.opened"].append(item)
        elif kind == "tfg-completed":
            found["task_and_finish_groups.completed"].append(item)
        elif kind == "marac-meeting":
            found["community_marac.meetings"].append(item)
        elif kind == "marac-discussed" and row["subject"] not in discussed:
            discussed.add(row["subject"])
            found["community_marac.cases_discussed"].append({**item, "detail": row["reference"]})
    found["community_marac.referrals"] = list(marac_referrals)
    return found


def figures(sizes: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """The escalation figures from the sizes of their lists."""
    return {group: {name: sizes.get(f"{group}.{name}", 0) for name in names} for group, names in FIGURES.items()}
