"""Taskings as they stood at a read point: the ones due at a meeting, and any others by condition.

"A tasking due at" is defined here once (`is_due`), and the briefing, the packs and the reminders
all list exactly `due_taskings`: the `tasking_versions` rows holding the point, by index.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from tasking.queries.intervals import held
from tasking.queries.point import ReadPoint
from tasking.queries.state import CaseState, TaskingState, revealer

__all__ = [
    "DUE_SQL",
    "ITEM_KEYS",
    "agency_taskings",
    "due_items",
    "due_taskings",
    "is_due",
    "tasking_item",
    "tasking_rows",
]


def is_due(tasking: TaskingState, case: CaseState, day: dt.date) -> bool:
    """Chased at the meeting on `day`: open, on an open case, and due on or before that day."""
    return tasking.status == "open" and case.is_open and tasking.due <= day.isoformat()


ITEM_KEYS = ("case", "tasking", "tasked_agency", "owner", "action", "due", "raised_at")

DUE_SQL = (
    "SELECT reference, tasking, tasked_agency, owner, action, due, raised_at FROM tasking_versions "
    "WHERE {held} AND case_status = 'open' AND status = 'open' AND due <= ?"
)


def tasking_rows(
    db: Database, point: ReadPoint, condition: str, params: list[Any], by: str = "position"
) -> list[dict[str, Any]]:
    """The taskings as they stood at the point (`tasking_versions` rows holding it) that match
    `condition`, as plain items (`case`, `tasking`, ..., `status`) with their action shown; `by`
    names the index the condition is found by (`held`)."""
    where, base = held(point, by=by, table="tasking_versions")
    reveal = revealer(db)
    cursor = db.conn.execute(
        "SELECT reference AS [case], tasking, tasked_agency, owner, action, due, raised_at, status "
        f"FROM tasking_versions WHERE {where} AND ({condition})",
        [*base, *params],
    )
    names = [column[0] for column in cursor.description]
    items = [dict(zip(names, values, strict=True)) for values in cursor]
    for item in items:
        if item["action"] is not None:
            item["action"] = reveal(item["action"])
    return items


def tasking_item(
    values: Sequence[Any], day: dt.date, shown: dict[str, Any] | None = None, least: int | None = None
) -> dict[str, Any]:
    """The one tasking item every list shows: `values` in `ITEM_KEYS` order, then the case's fields
    `shown` (if any), then `days_overdue` on `day` (at least `least`, if given). The key order is in
    the JSON bytes."""
    item = dict(zip(ITEM_KEYS, values, strict=True))
    if shown:
        item.update(shown)
    days = (day - dt.date.fromisoformat(item["due"])).days
    item["days_overdue"] = days if least is None else max(least, days)
    return item


def due_taskings(db: Database, point: ReadPoint, day: dt.date) -> list[dict[str, Any]]:
    """Every tasking due or overdue on `day` (`is_due`), as the record stood at `point`: most overdue
    first. The briefing, the packs and the reminders all list exactly these: the `tasking_versions`
    rows holding the point, by index."""
    where, params = held(point, table="tasking_versions")
    reveal = revealer(db)
    items = [
        tasking_item((*row[:4], None if row[4] is None else reveal(row[4]), *row[5:]), day)
        for row in db.conn.execute(DUE_SQL.format(held=where), [*params, day.isoformat()])
    ]
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def due_items(states: dict[str, CaseState], day: dt.date) -> list[dict[str, Any]]:
    """The taskings of these cases that are due on `day` (`is_due`), most overdue first."""
    items = [
        tasking_item((case.reference, t.tasking, t.tasked_agency, t.owner, t.action, t.due, t.raised_at), day)
        for case in states.values()
        for t in case.taskings.values()
        if is_due(t, case, day)
    ]
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def agency_taskings(db: Database, point: ReadPoint, agency: str, day: dt.date) -> list[dict[str, Any]]:
    """The open taskings of one agency on cases open at the point, with each case's area and category
    then: the `tasking_versions` and `case_versions` rows holding the point, by index (no fold).
    Overdue first (most overdue first), then by due date."""
    rows = tasking_rows(db, point, "case_status = 'open' AND status = 'open' AND tasked_agency = ?", [agency])
    where, params = held(point, by="reference")
    found = db.conn.execute(
        f"SELECT reference, area, category FROM case_versions WHERE {where} "
        "AND reference IN (SELECT value FROM json_each(?))",
        [*params, json.dumps(sorted({row["case"] for row in rows}))],
    )
    cases = {reference: {"area": area, "category": category} for reference, area, category in found}
    items = [tasking_item([row[key] for key in ITEM_KEYS], day, cases[row["case"]], least=0) for row in rows]
    items.sort(key=lambda t: (-t["days_overdue"], t["due"], t["case"], t["tasking"]))
    return items
