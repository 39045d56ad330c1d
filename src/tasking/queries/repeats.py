"""Repeat flags: the same place, or the same person, reported again and again.

- location: the same normalised location with N or more reports within D days up to now;
- person: the same victim or reporter with N or more reports within M months up to now; this is
  the statutory guidance's prompt to tell the victim about the ASB case review.

Cases linked as the same incident count once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.domain.repeat_flag import flag_reference
from tasking.time.instants import iso, local_date, months_before

CASE_REVIEW_PROMPT = "Tell the victim about the ASB case review"
GUIDANCE = (dt.date(2025, 9, 1), "statutory guidance, September 2025")


def case_review_prompt(at: dt.datetime) -> str:
    """The prompt cites the guidance only at meetings held after it was published."""
    since, citation = GUIDANCE
    return f"{CASE_REVIEW_PROMPT} ({citation})" if local_date(at) >= since else CASE_REVIEW_PROMPT


def quiet_acknowledged(db: Database, flags: list[dict[str, Any]], at: dt.datetime) -> list[dict[str, Any]]:
    """Drop the flags answered (by `at`) for all their current cases; a new report wakes a flag up."""
    answered: dict[str, set[str]] = {}
    for flag, cases in db.execute(
        "SELECT flag, cases FROM flag_acknowledgements WHERE at <= ? ORDER BY at, position", [iso(at)]
    ).fetchall():
        answered[flag] = set(json.loads(cases))
    return [flag for flag in flags if not set(flag["cases"]) <= answered.get(flag["flag"], set())]


def incident_groups(db: Database) -> dict[str, str]:
    """Map each case reference to the reference that stands for its incident (same-incident links)."""
    parent: dict[str, str] = {}

    def find(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    rows = db.execute(
        "SELECT c.reference, a.value FROM activity a JOIN cases c ON c.id = a.case_id "
        "WHERE a.kind = 'link' AND a.detail = 'same-incident'"
    ).fetchall()
    for left, right in rows:
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {ref: find(ref) for ref in parent}


def repeat_flags(db: Database, config: PartnershipConfig, at: dt.datetime) -> list[dict[str, Any]]:
    rules = config.repeats
    until = iso(at)
    groups = incident_groups(db)
    flags: list[dict[str, Any]] = []

    since = iso(at - dt.timedelta(days=rules.location_days))
    by_place: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for ref, key, location, area, received in db.execute(
        "SELECT reference, location_key, location, area, received_at FROM cases "
        "WHERE received_at > ? AND received_at <= ? ORDER BY received_at, reference", [since, until]
    ).fetchall():
        by_place[f"{area}|{key}"].append((ref, location, received))
    for place, found in sorted(by_place.items()):
        incidents = {groups.get(ref, ref) for ref, _, _ in found}
        if len(incidents) >= rules.location_reports:
            flags.append({
                "flag": flag_reference("location", place), "rule": "location", "case": found[-1][0], "cases": [ref for ref, _, _ in found],
                "count": len(incidents), "area": place.split("|", 1)[0], "location": found[-1][1],
                "first_received": found[0][2],
                "reason": f"{len(incidents)} reports at this location in {rules.location_days} days",
            })

    since = iso(months_before(at, rules.person_months))
    by_person: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ref, reporter, victim, received in db.execute(
        "SELECT reference, reporter, victim, received_at FROM cases "
        "WHERE received_at > ? AND received_at <= ? ORDER BY received_at, reference", [since, until]
    ).fetchall():
        for person in {reporter, victim} - {None}:
            by_person[person].append((ref, received))
    for person, found in sorted(by_person.items()):
        incidents = {groups.get(ref, ref) for ref, _ in found}
        if len(incidents) >= rules.person_reports:
            flags.append({
                "flag": flag_reference("person", person), "rule": "person", "case": found[-1][0], "cases": [ref for ref, _ in found], "count": len(incidents),
                "person": person, "first_received": found[0][1],
                "reason": f"{len(incidents)} reports by or about this person in {rules.person_months} months",
                "prompt": case_review_prompt(at),
            })
    return quiet_acknowledged(db, flags, at)


def repeat_cases(flags: list[dict[str, Any]]) -> set[str]:
    return {ref for flag in flags for ref in flag["cases"]}
