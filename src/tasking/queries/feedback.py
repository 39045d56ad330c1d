"""Residents (and organisations) still owed feedback on what was done.

A case is owed when its reporter wants updates (a resident) or its source is an organisation
(a report-back), and something was done after the last update: a follow-up, a completed
tasking, a power, a referral or a closure. A report with no update at all is owed once it is
older than the service level.

- `owed_since`: the first thing done after the last update; for a reporter never updated, the
  report itself (the clock runs from the report, however much has been done since).
- `due_by`: `owed_since` plus the service level in working days, so never earlier than it.
- `overdue_days`: working days past `due_by`.
- An update at the same effective time as an action (`close --reporter-told`, or an update
  recorded for the same moment) answers it: only actions after the last update are owed.

The rule is the case state's (`CaseState.owed`); the read is a lookup of the `case_versions`
rows that hold the point and are owed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.time.meetings import add_working_days, working_day_number
from tasking.queries.point import ReadPoint
from tasking.queries.intervals import held_apart
from tasking.time.instants import local_date


# The `case_versions` rows holding the point whose reporter is owed, by the partial index (`held_apart`).
OWED_SQL = (
    "SELECT reference, feedback, last_update, owed_since, owed_first_action, owed_actions, owed_day "
    "FROM case_versions WHERE owed_since IS NOT NULL AND {held}"
)
# The list's order, most overdue first, then the longest owed, then by reference. Overdue days fall
# as `owed_since` rises (a later day is due no earlier and so no more overdue), so that order is
# `owed_since`'s and SQLite gives it.
ORDER = " ORDER BY owed_since, reference"


@lru_cache(maxsize=8192)
def due(owed_day: str, level: int) -> tuple[str, int]:
    """The day feedback owed from `owed_day` is due, `level` working days on, and its working-day number."""
    deadline = add_working_days(dt.date.fromisoformat(owed_day), level)
    return deadline.isoformat(), working_day_number(deadline)


def feedback_owed(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Who is owed an update at the point (its `at` is "today" for the service level)."""
    assert point.at is not None, "feedback is owed at a moment"
    level = config.feedback.service_level_working_days
    today = working_day_number(local_date(point.at))
    sql, params = held_apart(OWED_SQL, point)
    items = []
    for reference, feedback, last_update, owed_since, since, actions, owed_day in db.execute(sql + ORDER, params):
        # Working days past the deadline: after it up to today (none when today is not after it).
        deadline, number = due(owed_day, level)
        overdue = today - number if today > number else 0
        if not since and not overdue:
            continue  # a new report with nothing done yet is owed only once past the service level
        items.append(
            {
                "case": reference,
                "owed_since": owed_since,
                "actions_since_update": actions,
                "overdue_days": overdue,
                "kind": "resident" if feedback == "resident" else "report-back",
                "last_update": last_update,
                "due_by": deadline,
            }
        )
    return items
