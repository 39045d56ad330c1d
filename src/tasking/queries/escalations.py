"""Reads of the escalation routes share one source: the `escalations` rows within a read point.

Every read folds the `escalations` rows recorded by `position` and effective by `at`, so it
answers as the record stood at any point, in both kinds of time. Each route reads them in its own
module: `case_reviews` (and the briefing's `case_review_alerts`), `task_and_finish`, `marac`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tasking.queries.point import ReadPoint
from tasking.queries.state import revealer


def rows(db: Database, point: ReadPoint, prefix: str) -> list[dict[str, Any]]:
    """The escalation rows of one kind family (`cr-`, `tfg-`, `marac-`) within the point, in recorded order."""
    where, params = point.sql("e")
    found, reveal = [], revealer(db)
    for row in db.query(
        "SELECT e.*, r.reference FROM escalations e JOIN escalation_refs r ON r.aggregate_id = "
        f"e.aggregate_id WHERE {where} AND e.kind LIKE ? ORDER BY e.position",
        [*params, prefix + "%"],
    ):
        item = dict(row)
        item["value"] = {k: reveal(v) for k, v in json.loads(item["value"]).items()} if item["value"] else {}
        found.append(item)
    return found
