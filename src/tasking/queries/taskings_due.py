"""Taskings as they stood at a read point: the ones due at a meeting, and any others by condition.

"A tasking due at" is defined here once (`is_due`), and the briefing, the packs and the reminders
all list exactly `due_taskings`: the `tasking_versions` rows holding the point, by index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.queries.intervals import held
from tasking.queries.point import ReadPoint
from tasking.queries.state import CaseState, TaskingState, revealer

__all__ = ["DUE_SQL", "due_items", "due_taskings", "is_due", "tasking_rows"]


def is_due(tasking: TaskingState, case: CaseState, day: dt.date) -> bool:
    """Chased at the meeting on `day`: open, on an open case, and due on or before that day."""
    return tasking.status == "open" and case.is_open and tasking.due <= day.isoformat()


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
    where, base = held(point, by=by)
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


def due_taskings(db: Database, point: ReadPoint, day: dt.date) -> list[dict[str, Any]]:
    """Every tasking due or overdue on `day` (`is_due`), as the record stood at `point`: most overdue
    first. The briefing, the packs and the reminders all list exactly these: the `tasking_versions`
    rows holding the point, by index."""
    where, params = held(point)
    reveal = revealer(db)
    items: list[dict[str, Any]] = []
    for case, tasking, agency, owner, action, due, raised_at in db.conn.execute(
        DUE_SQL.format(held=where), [*params, day.isoformat()]
    ):
        items.append(
            {
                "case": case,
                "tasking": tasking,
                "tasked_agency": agency,
                "owner": owner,
                "action": None if action is None else reveal(action),
                "due": due,
                "raised_at": raised_at,
                "days_overdue": (day - dt.date.fromisoformat(due)).days,
            }
        )
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def due_items(states: dict[str, CaseState], day: dt.date) -> list[dict[str, Any]]:
    """The taskings of these cases that are due on `day` (`is_due`), most overdue first."""
    items: list[dict[str, Any]] = []
    for case in states.values():
        for tasking in case.taskings.values():
            if is_due(tasking, case, day):
                items.append(
                    {
                        "case": case.reference,
                        "tasking": tasking.tasking,
                        "tasked_agency": tasking.tasked_agency,
                        "owner": tasking.owner,
                        "action": tasking.action,
                        "due": tasking.due,
                        "raised_at": tasking.raised_at,
                        "days_overdue": (day - dt.date.fromisoformat(tasking.due)).days,
                    }
                )
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items
