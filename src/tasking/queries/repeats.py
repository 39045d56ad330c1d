"""Repeat flags: the same place, or the same person, reported again and again.

- location: the same normalised location with N or more reports within D days up to now;
- person: the same victim or reporter with N or more reports within M months up to now; this is
  the statutory guidance's prompt to tell the victim about the ASB case review.

Cases linked as the same incident (by links within the read point) count once.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.domain.repeat_flag import flag_reference
from tasking.queries.point import ReadPoint
from tasking.queries.intervals import received
from tasking.queries.state import RECEIVED_FIELDS, incident_groups
from tasking.time.instants import iso, local_date, months_before

CASE_REVIEW_PROMPT = "Tell the victim about the ASB case review"
GUIDANCE = (dt.date(2025, 9, 1), "statutory guidance, September 2025")


def case_review_prompt(at: dt.datetime, prompt: str = CASE_REVIEW_PROMPT) -> str:
    """The prompt cites the guidance only at meetings held after it was published."""
    since, citation = GUIDANCE
    return f"{prompt} ({citation})" if local_date(at) >= since else prompt


def quiet_acknowledged(db: Database, flags: list[dict[str, Any]], point: ReadPoint) -> list[dict[str, Any]]:
    """Drop the flags answered (at the point) for all their current cases; a new report wakes a flag up."""
    answered: dict[str, set[str]] = {}
    where, params = point.sql()
    for flag, cases in db.execute(
        f"SELECT flag, cases FROM flag_acknowledgements WHERE {where} ORDER BY at, position", params
    ).fetchall():
        answered[flag] = set(json.loads(cases))
    return [flag for flag in flags if not set(flag["cases"]) <= answered.get(flag["flag"], set())]


US = "\x1f"  # the unit separator, between the items of a group's lists


@dataclass(frozen=True)
class PeopleWindow:
    """The reports that could count towards a flag or a prompt, grouped as the flags count them.

    `places`: "area|place" -> the reports there received in the location rule's days, as
    (received_at, reference), and `locations` the latest one's location as reported;
    `people`: person -> the reports by or about them received in the longer of the person rule's
    and the prompt's months, as (received_at, reference, category) (a person both reporter and
    victim of a case has it once). Each group's items are in order of receipt."""

    places: dict[str, list[tuple[str, str]]]
    locations: dict[str, str | None]
    people: dict[str, list[tuple[str, str, str]]]


def people_window(db: Database, config: PartnershipConfig, point: ReadPoint) -> PeopleWindow:
    """The person window at the point (`PeopleWindow`), from one read of the reports received in the
    longest of the three windows (the location flags' days, the person flags' and the case review
    prompts' months), with the fields the receipt indexes keep (`tasking.queries.intervals.received`).

    SQLite groups them: only the places with at least the location rule's number of reports in its
    days, and the persons with at least the smaller of the person rule's and the prompt's number in
    the months, leave it, each group as one row of lists. Each flag and prompt needs that many reports
    (cases linked as one incident only lower the count), so the flags and prompts are those of the
    whole window (`test_past_reads`), and a person on thousands of reports costs one row, not
    thousands."""
    assert point.at is not None, "a window ends at a moment"
    rules, review = config.repeats, config.case_review
    months = max(rules.person_months, review.application_within_months)
    place_since = iso(point.at - dt.timedelta(days=rules.location_days))
    person_since = iso(months_before(point.at, months))
    window, params = received(
        f"reference, received_at, {', '.join(RECEIVED_FIELDS)}", min(person_since, place_since), point, ordered=False
    )
    # each group's fields as lists, joined by the unit separator (no reference, moment or category
    # holds one); the place's location is the latest report's (the row holding the one max())
    lists = "group_concat(received_at, char(31)), group_concat(reference, char(31))"
    rows = db.conn.execute(
        f"WITH w AS MATERIALIZED ({window}) "
        # the key as the flags spell it (`f"{area}|{place}"`, None as 'None')
        f"SELECT 0, coalesce(area, 'None') || '|' || coalesce(place, 'None') AS key, {lists}, "
        "max(received_at || ' ' || reference), location FROM w WHERE received_at > ? "
        "GROUP BY key HAVING count(*) >= ? "
        f"UNION ALL SELECT 1, person, {lists}, group_concat(category, char(31)), NULL FROM "
        "(SELECT reporter AS person, received_at, reference, category FROM w "
        "WHERE reporter IS NOT NULL AND received_at > ? "
        "UNION ALL SELECT victim, received_at, reference, category FROM w "
        "WHERE victim IS NOT NULL AND victim IS NOT reporter AND received_at > ?) "
        "GROUP BY person HAVING count(*) >= ?",
        [
            *params,
            place_since,
            rules.location_reports,
            person_since,
            person_since,
            min(rules.person_reports, review.prompt_reports),
        ],
    ).fetchall()
    found = PeopleWindow({}, {}, {})
    for kind, key, moments, refs, categories, location in rows:
        # a group's rows come in no order of their own: sorted by (received_at, reference)
        if kind == 0:
            found.places[key] = sorted(zip(moments.split(US), refs.split(US), strict=True))
            found.locations[key] = location
        else:
            found.people[key] = sorted(zip(moments.split(US), refs.split(US), categories.split(US), strict=True))
    return found


# The person window and the incidents at a point, which the flags and the case review prompts share.
Shared = tuple[PeopleWindow, dict[str, str]]


def shared_reads(db: Database, config: PartnershipConfig, point: ReadPoint, shared: Shared | None = None) -> Shared:
    """`people_window` and `incident_groups` at the point: read here, unless a caller passes them in."""
    return shared if shared is not None else (people_window(db, config, point), incident_groups(db, point))


def repeat_flags(
    db: Database, config: PartnershipConfig, point: ReadPoint, shared: Shared | None = None
) -> list[dict[str, Any]]:
    """The flags at the point (its `at` ends the look-back windows); linked incidents count once."""
    assert point.at is not None, "repeats are flagged at a moment"
    rules = config.repeats
    window, groups = shared_reads(db, config, point, shared)
    flags: list[dict[str, Any]] = []

    for place, found in sorted(window.places.items()):
        refs = [ref for _, ref in found]
        incidents = set(map(groups.get, refs, refs))  # a linked case counts as its incident
        if len(incidents) >= rules.location_reports:
            flags.append(
                {
                    "flag": flag_reference("location", place),
                    "rule": "location",
                    "case": refs[-1],
                    "cases": refs,
                    "count": len(incidents),
                    "area": place.split("|", 1)[0],
                    "location": window.locations[place],
                    "first_received": found[0][0],
                    "reason": f"{len(incidents)} reports at this location in {rules.location_days} days",
                }
            )

    person_since = iso(months_before(point.at, rules.person_months))
    for person, items in sorted(window.people.items()):
        recent = received_after(items, person_since)
        refs = [ref for _, ref, _ in recent]
        incidents = set(map(groups.get, refs, refs))
        if len(incidents) >= rules.person_reports:
            flags.append(
                {
                    "flag": flag_reference("person", person),
                    "rule": "person",
                    "case": refs[-1],
                    "cases": refs,
                    "count": len(incidents),
                    "person": person,
                    "first_received": recent[0][0],
                    "reason": f"{len(incidents)} reports by or about this person in {rules.person_months} months",
                    "prompt": case_review_prompt(point.at),
                }
            )
    return quiet_acknowledged(db, flags, point)


def received_after(items: list[tuple[str, str, str]], since: str) -> list[tuple[str, str, str]]:
    """The items of a `PeopleWindow` group (in order of receipt) received after `since`, by bisection."""
    return items[bisect_right(items, since, key=itemgetter(0)) :]


def repeat_cases(flags: list[dict[str, Any]]) -> set[str]:
    return {ref for flag in flags for ref in flag["cases"]}
