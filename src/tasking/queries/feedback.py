"""Residents (and organisations) still owed feedback on what was done.

A case is owed when its reporter wants updates (a resident) or its source is an organisation
(a report-back), and something was done after the last update: a follow-up, a completed
tasking, a power, a referral or a closure. A report with no update at all is owed once it is
older than the service level. Overdue is counted in working days past the service level, which for
a reporter never updated runs from the report, however much has been done since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.time.meetings import add_working_days, working_days_between
from tasking.projections.activity import FEEDBACK_ACTIONS
from tasking.time.instants import iso, local_date


def feedback_owed(db: Database, config: PartnershipConfig, at: dt.datetime) -> list[dict[str, Any]]:
    until = iso(at)
    level = config.feedback.service_level_working_days
    today = local_date(at)
    marks = ",".join("?" * len(FEEDBACK_ACTIONS))
    rows = db.execute(
        f"""
        WITH last_update AS (
            SELECT case_id, MAX(at) AS at FROM activity
            WHERE kind = 'reporter-update' AND at <= ? GROUP BY case_id
        ),
        pending AS (
            SELECT a.case_id, MIN(a.at) AS since, COUNT(*) AS actions FROM activity a
            LEFT JOIN last_update u ON u.case_id = a.case_id
            WHERE a.kind IN ({marks}) AND a.at <= ? AND (u.at IS NULL OR a.at > u.at)
            GROUP BY a.case_id
        )
        SELECT c.reference, c.feedback, c.received_at, u.at AS last_update, p.since, COALESCE(p.actions, 0)
        FROM cases c
        LEFT JOIN last_update u ON u.case_id = c.id
        LEFT JOIN pending p ON p.case_id = c.id
        WHERE c.feedback IN ('resident', 'report-back') AND c.received_at <= ?
          AND (p.since IS NOT NULL OR u.at IS NULL)
        """,
        [until, *FEEDBACK_ACTIONS, until, until],
    ).fetchall()
    items = []
    for reference, feedback, received_at, last_update, since, actions in rows:
        owed_since = since or received_at
        deadline = add_working_days(local_date(dt.datetime.fromisoformat(owed_since)), level)
        if last_update is None:  # never updated: the clock has run since the report, whatever was done
            deadline = min(deadline, add_working_days(local_date(dt.datetime.fromisoformat(received_at)), level))
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
