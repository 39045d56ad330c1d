"""The briefing's case review alerts: the second-report prompt and the overdue milestones.

Only person references and case references leave this module; the cases come from the
`case_versions` rows holding the point and their incidents from `incident_versions`, by index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.domain.qualifying import months_text
from tasking.queries.point import ReadPoint
from tasking.queries.repeats import (
    CASE_REVIEW_PROMPT,
    PeopleWindow,
    Shared,
    case_review_prompt,
    received_after,
    shared_reads,
)
from tasking.time.instants import iso, months_before
from tasking.queries.case_reviews import case_reviews, fold_reviews
from tasking.queries.escalations import rows


def overdue_alerts(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Every milestone of an open case review overdue at the point, naming the person's reference and the cases."""
    alerts = []
    for review in case_reviews(db, config, point, open_only=True):
        cases = sorted(set(review["cases"]) | set(review["qualifying"]))
        for item in review["overdue"]:
            alerts.append(
                {
                    "kind": "overdue-milestone",
                    "review": review["review"],
                    "person": review["applicant"],
                    "cases": cases,
                    **item,
                    "reason": f"{item['milestone']} was due by {item['due']}",
                }
            )
    return alerts


def prompt_alerts(
    config: PartnershipConfig,
    by_person: dict[str, list[tuple[str, str]]],
    applications: list[dict[str, Any]],
    at: dt.datetime,
) -> list[dict[str, Any]]:
    """The second-report prompt: a victim or reporter with N or more ASB incidents in six months up to
    `at` and no case review application in that time (as applicant or on whose behalf it was made).

    `by_person`: each person's ASB reports in that time as (case, incident) (`asb_reports`);
    `applications`: {applicant, on_behalf_of, received_at}. Only person references and case
    references leave this function."""
    months, prompt_reports = config.case_review.application_within_months, config.case_review.prompt_reports
    since = iso(months_before(at, months))
    until = iso(at)
    applied = {
        person
        for a in applications
        if since < a["received_at"] <= until
        for person in (a["applicant"], a["on_behalf_of"])
        if person
    }
    alerts = []
    for person, found in sorted(by_person.items()):
        incidents = {incident for _, incident in found}
        if len(incidents) >= prompt_reports and person not in applied:
            alerts.append(
                {
                    "kind": "prompt",
                    "person": person,
                    "cases": sorted(case for case, _ in found),
                    "count": len(incidents),
                    "reason": f"{len(incidents)} ASB reports by or about this person in "
                    f"{months_text(months)} and no case review application",
                    "prompt": case_review_prompt(
                        at, f"{CASE_REVIEW_PROMPT}: {prompt_reports} or more ASB reports in {months_text(months)}"
                    ),
                }
            )
    return alerts


def asb_reports(
    config: PartnershipConfig, window: PeopleWindow, groups: dict[str, str], at: dt.datetime
) -> dict[str, list[tuple[str, str]]]:
    """Each victim's and reporter's ASB reports received in the prompt's months up to `at`, as
    (case, incident), from their group of the person window (a person both on a case has it once)."""
    asb = {name for name in config.categories if config.is_asb(name)}  # once, not once per report
    since, until = iso(months_before(at, config.case_review.application_within_months)), iso(at)
    by_person: dict[str, list[tuple[str, str]]] = {}
    for person, items in window.people.items():
        found = [
            (ref, groups.get(ref, ref))
            for received_at, ref, category in received_after(items, since)
            if category in asb and received_at <= until
        ]
        if found:
            by_person[person] = found
    return by_person


def case_review_alerts(
    db: Database, config: PartnershipConfig, point: ReadPoint, shared: Shared | None = None
) -> list[dict[str, Any]]:
    """The briefing's `case_review_alerts` at the point: second-report prompts, then overdue milestones
    (the person window and the incidents as `shared_reads`, which the briefing passes in)."""
    assert point.at is not None, "alerts are raised at a moment"
    window, groups = shared_reads(db, config, point, shared)
    applications = [
        {"applicant": a["applicant"], "on_behalf_of": a["on_behalf_of"], "received_at": a["received_at"]}
        for a in fold_reviews(rows(db, point, "cr-applied")).values()
    ]
    by_person = asb_reports(config, window, groups, point.at)
    return prompt_alerts(config, by_person, applications, point.at) + overdue_alerts(db, config, point)
