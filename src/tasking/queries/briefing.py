"""The morning briefing: the queue for one tasking meeting, as the record stood at a position.

The meeting is the effective time: what the queue lists, and each report's details, are as at
the meeting, so later events never change it; a position fixes what the record held, so a
reprint at an issued pack's position gives that pack's bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tasking.config import PartnershipConfig
from tasking.queries.case_review_alerts import case_review_alerts
from tasking.queries.task_and_finish import suggest_groups, task_and_finish_groups
from tasking.queries.duplicates import possible_duplicates
from tasking.queries.feedback import feedback_owed
from tasking.queries.access import record_read, screen, shown_in_full
from tasking.queries.point import Reader, ReadPoint
from tasking.queries.repeats import repeat_cases, repeat_flags, shared_reads
from tasking.queries.intervals import held, window
from tasking.queries.state import received_since, versioned_states
from tasking.queries.taskings_due import due_taskings, tasking_rows
from tasking.queries.year_reads import briefing_section
from tasking.time.instants import iso, local_date
from tasking.time.meetings import MeetingCalendar

RISK_ORDER = {"high": 0, "medium": 1, "standard": 2}


def meeting_for(config: PartnershipConfig, at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The meeting meant by `at` (see `MeetingCalendar.meeting_for`); without it, the next from now."""
    return MeetingCalendar(config.meeting.time).meeting_for(at if at is not None else now)


def window_start(reader: Reader, meeting: dt.datetime) -> tuple[dt.datetime, str | None]:
    """Where the meeting's window starts: where the last pack issued before it ended (as recorded
    by the position), or else the previous meeting on the calendar. Nothing falls between packs.
    With it, why the window reaches back further than the previous meeting (else None)."""
    previous = MeetingCalendar(reader.config.meeting.time).previous(meeting)
    row = reader.db.execute(
        "SELECT window_to FROM briefings WHERE meeting < ? AND position <= ? ORDER BY meeting DESC LIMIT 1",
        [iso(meeting), reader.point.position],
    ).fetchone()
    if not row:
        return previous, None
    start = dt.datetime.fromisoformat(row[0])
    why = f"since the last pack issued, for {local_date(start):%a %d %b %Y}" if start < previous else None
    return start, why


def briefing(reader: Reader, meeting: dt.datetime) -> dict[str, Any]:
    """The queue for `meeting`, as at the meeting, as recorded by the reader's position.

    Restricted cases are outlines for readers not entitled to them (and always in a shared read,
    the packs); the cases shown in full in the detail are recorded in the access log."""
    reader.app.authorize(reader.actor, "briefing")
    db, config = reader.db, reader.config
    point = reader.point.until(meeting)
    start, why = window_start(reader, meeting)
    # the person window and the incidents, read once for the flags and the case review prompts
    shared = shared_reads(db, config, point)
    flags = suggest_groups(repeat_flags(db, config, point, shared), task_and_finish_groups(db, point, open_only=True))
    repeats = repeat_cases(flags)
    states = reports_since(db, point, start)
    fresh = list(states)
    same_problem = same_problem_linked(db, point, set(states))
    new_reports = []
    for case in states.values():
        new_reports.append(
            {
                "case": case.reference,
                "received_at": case.received_at,
                "occurred_at": case.occurred_at,
                "source": case.source,
                "channel": case.channel,
                "category": case.category,
                "area": case.area,
                "location": case.location,
                "risk": case.risk,
                "status": case.status,
                "lead": case.lead,
                "repeat": case.reference in repeats or case.reference in same_problem,
                "summary": case.summary,
            }
        )
    new_reports.sort(key=lambda r: (RISK_ORDER.get(r["risk"], 9), not r["repeat"], r["received_at"], r["case"]))
    brief = {
        "meeting": iso(meeting),
        "window": {"from": iso(start), "to": iso(meeting), **({"why": why} if why else {})},
        "position": point.position,
        "new_reports": new_reports,
        "due_taskings": due_taskings(db, point, local_date(meeting)),
        "tasked_at_previous_meeting": tasked_since(db, point, start),
        "open_taskings_not_yet_due": taskings_not_yet_due(db, point, local_date(meeting)),
        "feedback_owed": feedback_owed(db, config, point),
        "repeat_flags": flags,
        "case_review_alerts": case_review_alerts(db, config, point, shared),
        "risk_reviews_due": risk_reviews_due(db, config, point),
        # pairs involving a report in the window that may be one incident: confirm or dismiss them
        "possible_duplicates": possible_duplicates(
            db, config, point, focus=fresh, groups=shared[1], focus_states=states
        ),
        # the partnership's year (issue 26): the day's and week's activities, cameras due to move
        **briefing_section(reader, point, local_date(meeting)),
    }
    shown = redact_briefing(reader, brief, point)
    record_read(reader, "briefing", shown, "briefing detail")
    return brief


DETAIL = ("new_reports", "due_taskings", "tasked_at_previous_meeting", "open_taskings_not_yet_due")


def redact_briefing(reader: Reader, brief: dict[str, Any], point: ReadPoint) -> list[str]:
    """Replace every item about a restricted case the reader may not see in full (in a pack: every
    restricted case) with the case's outline. Returns the cases shown in full in the detail."""
    screen(reader, point, brief, tuple(key for key, value in brief.items() if isinstance(value, list)))
    return shown_in_full(brief, DETAIL)


def reports_since(db: Any, point: ReadPoint, start: dt.datetime) -> dict[str, Any]:
    """The cases received after `start`, as they stood at the point (`received_since`)."""
    return received_since(db, point, iso(start))


def same_problem_linked(db: Any, point: ReadPoint, refs: set[str]) -> set[str]:
    """Of these cases, those in a `same-problem` link (either end) within the point: `case_links` by index."""
    where, params = point.sql()
    wanted = json.dumps(sorted(refs))
    found = db.conn.execute(
        f"SELECT left_ref, right_ref FROM case_links WHERE {where} AND reason = 'same-problem' AND "
        "(left_ref IN (SELECT value FROM json_each(?)) OR right_ref IN (SELECT value FROM json_each(?)))",
        [*params, wanted, wanted],
    )
    return refs.intersection(ref for pair in found for ref in pair)


def tasked_since(db: Any, point: ReadPoint, start: dt.datetime) -> list[dict[str, Any]]:
    """What was tasked at (and since) the previous meeting: taskings raised in the window, with their
    status as at this meeting."""
    params: list[Any] = []
    condition = window("raised_at", iso(start), point, params)
    items = tasking_rows(db, point, condition, params, by="received")
    items.sort(key=lambda t: (t["raised_at"], t["case"], t["tasking"]))
    return items


def taskings_not_yet_due(db: Any, point: ReadPoint, day: dt.date) -> list[dict[str, Any]]:
    """Every open tasking on an open case that is not yet due on `day`, by agency and owner."""
    items = tasking_rows(db, point, "case_status = 'open' AND status = 'open' AND due > ?", [day.isoformat()])
    items.sort(key=lambda t: (t["tasked_agency"], t["owner"] or "", t["due"], t["case"], t["tasking"]))
    return items


def risk_reviews_due(db: Any, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Cases open at the point, at medium or high risk then, whose last assessment or review (`tasking
    review`) is older than the cycle, with the days since it."""
    assert point.at is not None, "a risk review is due at a moment"
    cycle = {"medium": config.risk_review.medium_days, "high": config.risk_review.high_days}
    where, params = held(point, table="case_versions")
    refs = [
        row[0]
        for row in db.execute(
            f"SELECT reference FROM case_versions WHERE status = 'open' AND risk IN ('medium', 'high') AND {where}",
            params,
        ).fetchall()
    ]
    items: list[dict[str, Any]] = []
    for case in versioned_states(db, point, refs, reveal_text=False).values() if refs else ():
        if not case.is_open or case.risk not in cycle:
            continue
        due = dt.datetime.fromisoformat(case.risk_since) + dt.timedelta(days=cycle[case.risk])
        if due <= point.at:
            since = dt.datetime.fromisoformat(case.risk_since)
            items.append(
                {
                    "case": case.reference,
                    "risk": case.risk,
                    "last_assessed": case.risk_since,
                    "review_due": iso(due),
                    "overdue_days": (local_date(point.at) - local_date(due)).days,
                    "days_since_review": (local_date(point.at) - local_date(since)).days,
                }
            )
    items.sort(key=lambda r: (-r["overdue_days"], r["case"]))
    return items
