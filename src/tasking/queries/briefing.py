"""The morning briefing: the queue for one tasking meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.time.meetings import MeetingCalendar
from tasking.projections.activity import status_at
from tasking.queries.feedback import feedback_owed
from tasking.queries.repeats import repeat_cases, repeat_flags
from tasking.queries.escalations import case_review_alerts, suggest_groups, task_and_finish_groups
from tasking.queries.stats import resolve_position
from tasking.time.instants import iso, local_date

RISK_ORDER = {"high": 0, "medium": 1, "standard": 2}


def meeting_for(config: PartnershipConfig, at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """With `at`: the meeting at or just before it. Without: the next meeting from now."""
    calendar = MeetingCalendar(config.meeting.time)
    return calendar.at_or_before(at) if at is not None else calendar.at_or_after(now)


def briefing(db: Database, config: PartnershipConfig, meeting: dt.datetime,
             window_from: dt.datetime | None = None) -> dict[str, Any]:
    """The queue for `meeting`. `window_from` overrides the calendar (the scheduler's last issued pack)."""
    calendar = MeetingCalendar(config.meeting.time)
    start = window_from if window_from is not None else calendar.previous(meeting)
    position = resolve_position(db)
    flags = suggest_groups(repeat_flags(db, config, meeting), task_and_finish_groups(db, position, meeting, open_only=True))
    repeats = repeat_cases(flags)
    linked_problems = {row[0] for row in db.execute(
        "SELECT c.reference FROM activity a JOIN cases c ON c.id = a.case_id "
        "WHERE a.kind = 'link' AND a.detail = 'same-problem' AND a.at <= ?",
        [iso(meeting)]).fetchall()}
    new_reports = [
        {
            "case": row["reference"], "received_at": row["received_at"], "occurred_at": row["occurred_at"],
            "source": row["source"], "channel": row["channel"], "category": row["category"], "area": row["area"],
            "location": row["location"], "risk": row["risk"],
            "repeat": row["reference"] in repeats or row["reference"] in linked_problems,
            "summary": row["summary"],
        }
        for row in db.query(
            "SELECT * FROM cases WHERE received_at > ? AND received_at <= ?", [iso(start), iso(meeting)]
        )
    ]
    new_reports.sort(key=lambda r: (RISK_ORDER.get(r["risk"], 9), not r["repeat"], r["received_at"], r["case"]))
    return {
        "meeting": iso(meeting),
        "window": {"from": iso(start), "to": iso(meeting)},
        "new_reports": new_reports,
        "due_taskings": due_taskings(db, meeting),
        "feedback_owed": feedback_owed(db, config, meeting),
        "repeat_flags": flags,
        "case_review_alerts": case_review_alerts(db, config, position, meeting),
        "risk_reviews_due": risk_reviews_due(db, config, meeting),
    }


def due_taskings(db: Database, meeting: dt.datetime) -> list[dict[str, Any]]:
    """Open taskings of open cases, due on or before the meeting day, most overdue first."""
    day = local_date(meeting)
    items = []
    for row in db.query(
        "SELECT t.*, c.reference FROM taskings t JOIN cases c ON c.id = t.case_id "
        "WHERE t.raised_at <= ? AND t.due <= ? AND (t.status = 'open' OR t.completed_at > ?) "
        f"AND COALESCE({status_at('c')}, 'open') != 'closure'",  # a closed case's taskings are not chased
        [iso(meeting), day.isoformat(), iso(meeting), iso(meeting)],
    ):
        items.append({
            "case": row["reference"], "tasking": row["tasking"], "agency": row["agency"], "owner": row["owner"],
            "action": row["action"], "due": row["due"], "raised_at": row["raised_at"],
            "days_overdue": (day - dt.date.fromisoformat(row["due"])).days,
        })
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def risk_reviews_due(db: Database, config: PartnershipConfig, at: dt.datetime) -> list[dict[str, Any]]:
    """Cases open at `at`, at medium or high risk then, whose last assessment is older than the cycle."""
    cycle = {"medium": config.risk_review.medium_days, "high": config.risk_review.high_days}
    when = iso(at)
    last_risk = ("(SELECT r.{col} FROM activity r WHERE r.case_id = c.id AND r.kind IN ('risk', 'risk-review') AND r.at <= ? "
                 "ORDER BY r.at DESC, r.position DESC LIMIT 1)")
    items = []
    for row in db.query(
        f"SELECT c.reference, COALESCE({last_risk.format(col='detail')}, rep.risk) AS risk, "
        f"COALESCE({last_risk.format(col='at')}, rep.at) AS since, COALESCE({status_at('c')}, 'open') AS status "
        "FROM cases c JOIN activity rep ON rep.case_id = c.id AND rep.kind = 'report' WHERE rep.at <= ?",
        [when, when, when, when],
    ):
        if row["status"] == "closure" or row["risk"] not in cycle:
            continue
        due = dt.datetime.fromisoformat(row["since"]) + dt.timedelta(days=cycle[row["risk"]])
        if due <= at:
            items.append({"case": row["reference"], "risk": row["risk"], "last_assessed": row["since"],
                          "review_due": iso(due), "overdue_days": (local_date(at) - local_date(due)).days,
                          "days_since_review": (local_date(at) - local_date(dt.datetime.fromisoformat(row["since"]))).days})
    items.sort(key=lambda r: (-r["overdue_days"], r["case"]))
    return items
