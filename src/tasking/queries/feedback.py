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
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.time.meetings import add_working_days, working_days_between
from tasking.projections.activity import FEEDBACK_ACTIONS
from tasking.queries.point import ReadPoint
from tasking.time.instants import local_date


def feedback_owed(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Who is owed an update at the point (its `at` is "today" for the service level)."""
    assert point.at is not None, "feedback is owed at a moment"
    where, params = point.sql()
    level = config.feedback.service_level_working_days
    today = local_date(point.at)
    marks = ",".join("?" * len(FEEDBACK_ACTIONS))
    rows = db.execute(
        f"""
        WITH a AS (SELECT reference, kind, at, feedback FROM activity WHERE {where}),
        last_update AS (
            SELECT reference, MAX(at) AS at FROM a WHERE kind = 'update-reporter' GROUP BY reference
        ),
        pending AS (
            SELECT a.reference, MIN(a.at) AS since, COUNT(*) AS actions FROM a
            LEFT JOIN last_update u ON u.reference = a.reference
            WHERE a.kind IN ({marks}) AND (u.at IS NULL OR a.at > u.at)
            GROUP BY a.reference
        )
        SELECT r.reference, r.feedback, r.at AS received_at, u.at AS last_update, p.since, COALESCE(p.actions, 0)
        FROM a r
        LEFT JOIN last_update u ON u.reference = r.reference
        LEFT JOIN pending p ON p.reference = r.reference
        WHERE r.kind = 'report' AND r.feedback IN ('resident', 'report-back')
          AND (p.since IS NOT NULL OR u.at IS NULL)
        """,
        [*params, *FEEDBACK_ACTIONS],
    ).fetchall()
    items = []
    for reference, feedback, received_at, last_update, since, actions in rows:
        owed_since = received_at if last_update is None else since
        deadline = add_working_days(local_date(dt.datetime.fromisoformat(owed_since)), level)
        overdue = working_days_between(deadline, today)
        if not since and overdue == 0:
            continue  # a new report with nothing done yet is owed only once past the service level
        items.append({
            "case": reference,
            "owed_since": owed_since,
            "actions_since_update": actions,
            "overdue_days": overdue,
            "kind": "resident" if feedback == "resident" else "report-back",
            "last_update": last_update,
            "due_by": deadline.isoformat(),
        })
    items.sort(key=lambda item: (-item["overdue_days"], item["owed_since"], item["case"]))
    return items
