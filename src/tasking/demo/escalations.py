"""The demo district's escalation routes, modelled on the seed annual report, through the real commands.

- 2016/17: two ASB case review applications. One applicant made three qualifying complaints
  (threshold met, review held, a recommendation raised as a tasking); the other made one
  (threshold not met, no review).
- 2017/18: no application ("No community triggers have been raised"); 9 Task and Finish groups,
  7 completed and 2 ongoing at 31 March 2018; the Community MARAC meets monthly from
  20 September 2017 and discusses the cases referred to it (its 3 Channel Panel referrals are
  made with the other referrals).

These choices use a generator of their own, seeded from the year's plans, so the rest of the
district comes out exactly as it would without them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tasking.commands import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
)
from tasking.demo.groups_and_marac import community_marac, task_and_finish_groups
from tasking.time.instants import LONDON, at_local

TASKINGS_RAISED = {2016: 1}  # the 2016/17 review's recommendation, raised as a tasking on the applicant's case


@dataclass
class Applicants:
    """The 2016/17 case review applicants, chosen before their reports are planned."""

    met: list[Any] = field(default_factory=list)  # the three plans of the applicant whose threshold is met
    not_met: Any = None  # the one plan of the applicant whose threshold is not met


def _rng(plans: list[Any], year: int) -> random.Random:
    return random.Random(f"escalations/{year}/{len(plans)}/{plans[0].received.isoformat()}")


def _asb_by_resident(plans: list[Any], asb: set[str], start: dt.date, end: dt.date) -> list[Any]:
    return [
        p
        for p in plans
        if p.source == "COUNCIL"
        and p.category in asb
        and p.reporter is not None
        and not p.duplicate
        and start <= p.received.astimezone(LONDON).date() <= end
    ]


def choose_applicants(plans: list[Any], year: int, asb: set[str]) -> Applicants:
    """Before the year's reports are planned: give one resident three ASB reports at one place in
    autumn 2016 (who then applies), and pick a resident with a single report (who applies too)."""
    chosen = Applicants()
    if year != 2016:
        return chosen
    rng = _rng(plans, year)
    three = sorted(
        rng.sample(_asb_by_resident(plans, asb, dt.date(2016, 9, 1), dt.date(2016, 11, 30)), 3),
        key=lambda p: p.received,
    )
    for plan in three[1:]:
        plan.reporter, plan.area, plan.location = three[0].reporter, three[0].area, three[0].location
        plan.no_feedback = False
    reporters = [p.reporter for p in plans]
    single = [
        p
        for p in _asb_by_resident(plans, asb, dt.date(2016, 10, 1), dt.date(2016, 12, 15))
        if reporters.count(p.reporter) == 1 and p not in three
    ]
    chosen.met, chosen.not_met = three, rng.choice(single)
    return chosen


def plan_escalations(
    at: Callable[..., None],
    ref: Callable[[str, Any], Any],
    every_plan: list[Any],
    plans: list[Any],
    year: int,
    applicants: Applicants,
    marac_referrals: list[tuple[dt.datetime, int]],
) -> None:
    """After the year's referrals are planned, before cases close: the escalation routes' commands.

    `at(when, command, names, **fields)` schedules a command; `ref(kind, key)` stands for an earlier
    command's result (`case`, `person`, `review`, `group`); `marac_referrals` are the (when, plan
    key) of the year's referrals to the Community MARAC."""
    rng = _rng(plans, year)
    if year == 2016:
        _case_reviews(at, applicants, ref)
    if year == 2017:
        task_and_finish_groups(at, plans, rng, ref)
        community_marac(at, every_plan, plans, rng, ref, marac_referrals)


def _case_reviews(at: Callable[..., None], applicants: Applicants, ref: Callable[[str, Any], Any]) -> None:
    day = dt.timedelta(days=1)
    last = applicants.met[-1]
    applied = at_local(last.received.astimezone(LONDON).date() + dt.timedelta(days=14), dt.time(10, 0))
    review = ref("review", "case-review/2016/1")
    at(applied, CaseReviewApply, review, user="coordinator", applicant=ref("person", last.reporter))
    at(applied + day, CaseReviewAcknowledge, user="coordinator", review=review, note="Acknowledged by letter")
    at(applied + 2 * day, CaseReviewAssess, user="coordinator", review=review)
    decided = applied + 6 * day
    at(
        decided,
        CaseReviewDecide,
        user="coordinator",
        review=review,
        outcome="review",
        reason="Three qualifying complaints in six months",
    )
    held = decided + 20 * day
    at(held, CaseReviewHold, user="coordinator", review=review, note="Partners reviewed the response")
    recommended = held + dt.timedelta(hours=1)
    at(
        recommended,
        CaseReviewRecommend,
        user="coordinator",
        review=review,
        agency="HOUSING",
        action="Tenancy enforcement and an acceptable behaviour contract",
        due=(recommended + 21 * day).astimezone(LONDON).date(),
        case=ref("case", last.key),
    )
    last.actions.append(recommended)
    at(
        held + 3 * day,
        CaseReviewRespond,
        user="coordinator",
        review=review,
        note="Outcome and recommendations sent to the applicant",
    )
    at(held + 30 * day, CaseReviewClose, user="coordinator", review=review)

    single = applicants.not_met
    applied = at_local(single.received.astimezone(LONDON).date() + dt.timedelta(days=20), dt.time(11, 0))
    review = ref("review", "case-review/2016/2")
    at(applied, CaseReviewApply, review, user="coordinator", applicant=ref("person", single.reporter))
    at(applied + day, CaseReviewAcknowledge, user="coordinator", review=review)
    at(applied + 2 * day, CaseReviewAssess, user="coordinator", review=review)
    at(
        applied + 5 * day,
        CaseReviewDecide,
        user="coordinator",
        review=review,
        outcome="no-review",
        reason="One qualifying complaint in six months; the threshold is three",
    )
    at(
        applied + 7 * day,
        CaseReviewRespond,
        user="coordinator",
        review=review,
        note="Told the threshold was not met and what the partnership is doing",
    )
    at(applied + 17 * day, CaseReviewClose, user="coordinator", review=review)
