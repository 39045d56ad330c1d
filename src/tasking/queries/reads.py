"""Each read as the CLI and the HTTP API both answer it: a reader and the times in, plain data out.

`now` is passed in (the caller's clock); `at=None` means "as at now" where a read needs a moment.
The CLI's `--json` and the API's JSON are these dictionaries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasking.queries.access import screen, screen_and_record
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.case_reviews import case_review, case_reviews
from tasking.queries.marac import marac_agenda, marac_meetings
from tasking.queries.task_and_finish import task_and_finish_group, task_and_finish_groups
from tasking.queries.feedback import feedback_owed
from tasking.queries.point import Reader
from tasking.queries.repeats import repeat_flags
from tasking.queries.taskings_due import agency_taskings
from tasking.time.instants import iso, local_date


def briefing_read(reader: Reader, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """The briefing for the meeting `at` means (see `meeting_for`); without it the next from now."""
    return briefing(reader, meeting_for(reader.config, at, now))


def feedback_owed_read(reader: Reader, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """References only; an item on a restricted case the reader may not see in full is its outline."""
    point = reader.point.until(at or now)
    found = {
        "at": iso(at),
        "position": reader.point.position,
        "feedback_owed": feedback_owed(reader.db, reader.config, point),
    }
    screen(reader, point, found, ("feedback_owed",))
    return found


def repeats_read(reader: Reader, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """A flag about a restricted case the reader may not see in full is its outline, as in the briefing."""
    point = reader.point.until(at or now)
    found = {
        "at": iso(at),
        "position": reader.point.position,
        "repeat_flags": repeat_flags(reader.db, reader.config, point),
    }
    screen(reader, point, found, ("repeat_flags",))
    return found


def case_reviews_read(
    reader: Reader, at: dt.datetime | None, now: dt.datetime, open_only: bool = False
) -> dict[str, Any]:
    point = reader.point.until(at or now)
    return {
        "at": iso(point.at),
        "position": point.position,
        "reviews": case_reviews(reader.db, reader.config, point, open_only=open_only),
    }


def case_review_read(reader: Reader, review: str, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    point = reader.point.until(at or now)
    return {"at": iso(point.at), "position": point.position, **case_review(reader.db, reader.config, review, point)}


def groups_read(reader: Reader, at: dt.datetime | None, now: dt.datetime, open_only: bool = False) -> dict[str, Any]:
    point = reader.point.until(at or now)
    return {
        "at": iso(point.at),
        "position": point.position,
        "groups": task_and_finish_groups(reader.db, point, open_only=open_only),
    }


def group_read(reader: Reader, group: str, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    point = reader.point.until(at or now)
    return {"at": iso(point.at), "position": point.position, **task_and_finish_group(reader.db, group, point)}


def marac_meetings_read(reader: Reader, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """Each meeting's discussion of a restricted case the reader may not see in full is its outline."""
    point = reader.point.until(at or now)
    meetings = marac_meetings(reader.db, point)
    for meeting in meetings:
        screen(reader, point, meeting, ("discussions",))
    return {"at": iso(point.at), "position": point.position, "meetings": meetings}


def marac_agenda_read(
    reader: Reader, meeting: dt.date | None, at: dt.datetime | None, now: dt.datetime
) -> dict[str, Any]:
    """An item on a restricted case the reader may not see in full is its outline; the cases shown in
    full are recorded in the access log."""
    point = reader.point.until(at or now)
    agenda = marac_agenda(reader.db, point, meeting.isoformat() if meeting else None)
    return screen_and_record(reader, point, agenda, ("items",), "marac agenda", "agenda items")


def open_taskings_read(reader: Reader, agency: str, at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """Open taskings of one agency on open cases, overdue first (most overdue first), then by due date.

    A tasking on a restricted case the reader may not see in full is the case's outline; the cases
    shown in full are recorded in the access log."""
    point = reader.point.until(at or now)
    items = agency_taskings(reader.db, point, agency, local_date(at or now))
    found = {"at": iso(point.at), "position": point.position, "agency": agency, "taskings": items}
    return screen_and_record(reader, point, found, ("taskings",), "taskings", "taskings")


def annual_report_parts(reader: Reader, year: int, with_map: bool = False) -> dict[str, Any]:
    """What the annual report shows: the year's figures, last year's as of the same position, the
    agencies' and categories' names, and (for the HTML report) the hotspot map's points."""
    from tasking.queries.geo import hotspots
    from tasking.queries.stats import year_stats

    db, config, upto = reader.db, reader.config, reader.point.position
    names = {code: agency.name for code, agency in config.agencies.items()}
    names |= {code: category.name for code, category in config.categories.items()}
    parts = {
        "figures": year_stats(db, config, year, upto),
        "previous": year_stats(db, config, year - 1, upto),
        "names": names,
        "geo": hotspots(db, year, upto) if with_map else None,
    }
    return partnership_parts(reader, year, parts)


def partnership_parts(reader: Reader, year: int, parts: dict[str, Any]) -> dict[str, Any]:
    """The partnership's year (issue 26): its activities and deployments, and the deployments on the map."""
    from tasking.queries.year_reads import year_parts

    parts["year"] = year_parts(reader, year)
    if parts["geo"] is not None:
        parts["geo"]["cctv"] = [
            (d["lat"], d["lon"], d["location"])
            for d in parts["year"]["deployments"]
            if d["lat"] is not None and d["lon"] is not None
        ]
    return parts
