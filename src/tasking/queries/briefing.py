"""The morning briefing: the queue for one tasking meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.meetings import MeetingCalendar
from tasking.queries.feedback import feedback_owed
from tasking.queries.repeats import repeat_cases, repeat_flags
from tasking.timeutil import iso, local_date

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
    flags = repeat_flags(db, config, meeting)
    repeats = repeat_cases(flags)
    linked_problems = {row[0] for row in db.execute(
        "SELECT c.reference FROM activity a JOIN cases c ON c.id = a.case_id WHERE a.kind = 'link' AND a.at <= ?",
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
        "case_review_alerts": [],
        "risk_reviews_due": risk_reviews_due(db, config, meeting),
    }


def due_taskings(db: Database, meeting: dt.datetime) -> list[dict[str, Any]]:
    """Open taskings of open cases, due on or before the meeting day, most overdue first."""
    day = local_date(meeting)
    items = []
    for row in db.query(
        "SELECT t.*, c.reference FROM taskings t JOIN cases c ON c.id = t.case_id "
        "WHERE t.raised_at <= ? AND t.due <= ? AND (t.status = 'open' OR t.completed_at > ?) "
        "AND (c.closed_at IS NULL OR c.closed_at > ?)",  # a closed case's taskings are no longer chased
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
    """Open medium- and high-risk cases whose last risk assessment is older than the review cycle."""
    cycle = {"medium": config.risk_review.medium_days, "high": config.risk_review.high_days}
    items = []
    for row in db.query("SELECT reference, risk, risk_since FROM cases WHERE status = 'open' AND risk IN ('medium', 'high') "
                        "AND received_at <= ?", [iso(at)]):
        due = dt.datetime.fromisoformat(row["risk_since"]) + dt.timedelta(days=cycle[row["risk"]])
        if due <= at:
            items.append({"case": row["reference"], "risk": row["risk"], "last_assessed": row["risk_since"],
                          "review_due": iso(due), "overdue_days": (local_date(at) - local_date(due)).days})
    items.sort(key=lambda r: (-r["overdue_days"], r["case"]))
    return items
