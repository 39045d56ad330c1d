"""Repeat flags: the same place, or the same person, reported again and again.

- location: the same normalised location with N or more reports within D days up to now;
- person: the same victim or reporter with N or more reports within M months up to now; this is
  the statutory guidance's prompt to tell the victim about the ASB case review.

Cases linked as the same incident (by links within the read point) count once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from bisect import bisect_right
from collections import defaultdict
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


def people_window(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[Any]:
    """The reports received in the longest of the three windows (the location flags' days, the
    person flags' and the case review prompts' months) up to the point, with every field the
    receipt indexes keep (`tasking.queries.intervals.received`): one read for all three, each keeping
    its own window (`received_after`).

    Only the reports that could count towards a flag or a prompt leave SQLite: those at a place with
    at least the location rule's number of reports in its days, or by or about a person with at
    least the smaller of the person rule's and the prompt's number in the months. Each flag and
    prompt needs that many reports (cases linked as one incident only lower the count), and every
    report of a place or person that reaches it is kept, so the flags and prompts are those of the
    whole window (`test_past_reads`), from a few rows where the window holds thousands."""
    assert point.at is not None, "a window ends at a moment"
    rules, review = config.repeats, config.case_review
    months = max(rules.person_months, review.application_within_months)
    place_since = point.at - dt.timedelta(days=rules.location_days)
    since = min(months_before(point.at, months), place_since)
    window, params = received(f"reference, received_at, {', '.join(RECEIVED_FIELDS)}", iso(since), point)
    person_since = iso(months_before(point.at, months))
    cursor = db.conn.cursor()
    cursor.row_factory = sqlite3.Row  # built in C, read by name as a dict is: half the cost of dict(zip(...))
    return cursor.execute(
        f"WITH w AS MATERIALIZED ({window}), "
        "persons AS (SELECT reporter AS person, reference FROM w WHERE reporter IS NOT NULL AND received_at > ? "
        "UNION SELECT victim, reference FROM w WHERE victim IS NOT NULL AND received_at > ?), "
        "hot AS (SELECT person FROM persons GROUP BY person HAVING count(*) >= ?), "
        "places AS (SELECT area, place FROM w WHERE received_at > ? GROUP BY area, place HAVING count(*) >= ?) "
        "SELECT * FROM w WHERE reporter IN (SELECT person FROM hot) OR victim IN (SELECT person FROM hot) "
        "OR EXISTS (SELECT 1 FROM places WHERE places.area IS w.area AND places.place IS w.place) "
        "ORDER BY received_at, reference",
        [
            *params,
            person_since,
            person_since,
            min(rules.person_reports, review.prompt_reports),
            iso(place_since),
            rules.location_reports,
        ],
    ).fetchall()


# The person window and the incidents at a point, which the flags and the case review prompts share.
Shared = tuple[list[dict[str, Any]], dict[str, str]]


def shared_reads(db: Database, config: PartnershipConfig, point: ReadPoint, shared: Shared | None = None) -> Shared:
    """`people_window` and `incident_groups` at the point: read here, unless a caller passes them in."""
    return shared if shared is not None else (people_window(db, config, point), incident_groups(db, point))


def repeat_flags(
    db: Database, config: PartnershipConfig, point: ReadPoint, shared: Shared | None = None
) -> list[dict[str, Any]]:
    """The flags at the point (its `at` ends the look-back windows); linked incidents count once."""
    assert point.at is not None, "repeats are flagged at a moment"
    rules = config.repeats
    people, groups = shared_reads(db, config, point, shared)
    flags: list[dict[str, Any]] = []

    by_place: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in received_after(people, iso(point.at - dt.timedelta(days=rules.location_days))):
        by_place[f"{case['area']}|{case['place']}"].append(case)
    for place, found in sorted(by_place.items()):
        refs = [c["reference"] for c in found]
        incidents = set(map(groups.get, refs, refs))  # a linked case counts as its incident
        if len(incidents) >= rules.location_reports:
            flags.append(
                {
                    "flag": flag_reference("location", place),
                    "rule": "location",
                    "case": found[-1]["reference"],
                    "cases": refs,
                    "count": len(incidents),
                    "area": place.split("|", 1)[0],
                    "location": found[-1]["location"],
                    "first_received": found[0]["received_at"],
                    "reason": f"{len(incidents)} reports at this location in {rules.location_days} days",
                }
            )

    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in received_after(people, iso(months_before(point.at, rules.person_months))):
        reporter, victim = case["reporter"], case["victim"]
        if reporter is not None:
            by_person[reporter].append(case)
        if victim is not None and victim != reporter:  # a person both on one case counts it once
            by_person[victim].append(case)
    for person, found in sorted(by_person.items()):
        refs = [c["reference"] for c in found]
        incidents = set(map(groups.get, refs, refs))
        if len(incidents) >= rules.person_reports:
            flags.append(
                {
                    "flag": flag_reference("person", person),
                    "rule": "person",
                    "case": found[-1]["reference"],
                    "cases": refs,
                    "count": len(incidents),
                    "person": person,
                    "first_received": found[0]["received_at"],
                    "reason": f"{len(incidents)} reports by or about this person in {rules.person_months} months",
                    "prompt": case_review_prompt(point.at),
                }
            )
    return quiet_acknowledged(db, flags, point)


def received_after(people: list[dict[str, Any]], since: str) -> list[dict[str, Any]]:
    """The rows of `people_window` (in order of receipt) received after `since`, found by bisection."""
    return people[bisect_right(people, since, key=itemgetter("received_at")) :]


def repeat_cases(flags: list[dict[str, Any]]) -> set[str]:
    return {ref for flag in flags for ref in flag["cases"]}
