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
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.time.meetings import add_working_days, working_days_between
from tasking.queries.point import ReadPoint
from tasking.queries.intervals import held_apart
from tasking.time.instants import local_date


# The `case_versions` rows holding the point whose reporter is owed, by the partial index (`held_apart`).
OWED_SQL = (
    "SELECT reference, feedback, last_update, owed_since, owed_first_action, owed_actions FROM case_versions "
    "WHERE owed_since IS NOT NULL AND {held}"
)


def feedback_owed(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Who is owed an update at the point (its `at` is "today" for the service level)."""
    assert point.at is not None, "feedback is owed at a moment"
    level = config.feedback.service_level_working_days
    today = local_date(point.at)
    rows = db.execute(*held_apart(OWED_SQL, point)).fetchall()
    items = []
    for reference, feedback, last_update, owed_since, since, actions in rows:
        deadline = add_working_days(local_date(dt.datetime.fromisoformat(owed_since)), level)
        overdue = working_days_between(deadline, today)
        if not since and overdue == 0:
            continue  # a new report with nothing done yet is owed only once past the service level
        items.append(
            {
                "case": reference,
                "owed_since": owed_since,
                "actions_since_update": actions,
                "overdue_days": overdue,
                "kind": "resident" if feedback == "resident" else "report-back",
                "last_update": last_update,
                "due_by": deadline.isoformat(),
            }
        )
    items.sort(key=lambda item: (-item["overdue_days"], item["owed_since"], item["case"]))
    return items
