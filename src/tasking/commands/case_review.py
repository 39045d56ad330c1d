"""ASB case reviews (formerly the Community Trigger), `tasking case-review ...`: one command per
step (`case-review apply` is `CaseReviewApply`, handled by `case_review_apply`). Each handler
loads, lets the review decide and saves in one `save`, so a recommendation and its tasking are
recorded together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from tasking.commands.base import Code, Command, Narrative, Ref
from tasking.commands.case_review_evidence import gather
from tasking.commands.loading import acting, decide_on, load, next_reference
from tasking.commands.registry import Result, handler
from tasking.domain.case_review import CaseReview
from tasking.domain.qualifying import Application, Rules, assess
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.time.instants import utcnow

DecisionOutcome = Literal["review", "no-review"]


class CaseReviewApply(Command):
    """An application for an ASB case review: `at` is when it was received."""

    applicant: Ref
    on_behalf_of: Ref | None = None
    cases: tuple[Ref, ...] = ()


class ReviewCommand(Command):
    review: Ref


class CaseReviewAcknowledge(ReviewCommand):
    note: Narrative | None = None


class CaseReviewAssess(ReviewCommand):
    """Assess the threshold as the record stands at `at`."""


class CaseReviewDecide(ReviewCommand):
    outcome: DecisionOutcome
    reason: Narrative


class CaseReviewHold(ReviewCommand):
    note: Narrative | None = None


class CaseReviewRecommend(ReviewCommand):
    """A recommendation to a named agency: it becomes a tasking on one of the applicant's cases."""

    agency: Code
    action: Narrative
    due: dt.date
    case: Ref | None = None


class CaseReviewRespond(ReviewCommand):
    note: Narrative


class CaseReviewClose(ReviewCommand):
    note: Narrative | None = None


def get_review(app: TaskingApp, reference: str) -> CaseReview:
    return load(app, CaseReview, reference, "review", "case review")


def rules_of(app: TaskingApp) -> Rules:
    config = app.config.case_review
    return Rules(
        threshold=config.threshold,
        complaint_within_months=config.complaint_within_months,
        application_within_months=config.application_within_months,
        different_complainants=config.local_rules.different_complainants,
        hate_incident=config.local_rules.hate_incident,
    )


@handler
def case_review_apply(app: TaskingApp, cmd: CaseReviewApply) -> Result:
    login, agency = acting(app, cmd)
    app.get_person(cmd.applicant, "applicant")
    if cmd.on_behalf_of:
        app.get_person(cmd.on_behalf_of, "on-behalf-of")
    cases = [app.get_case(case).reference for case in dict.fromkeys(cmd.cases)]
    sequence, reference = next_reference(app, "case-reviews", "CR", 3, cmd)
    review = CaseReview(
        reference=reference,
        applicant=cmd.applicant,
        on_behalf_of=cmd.on_behalf_of,
        cases=cases,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, review)
    return {"review": reference}


@handler
def case_review_acknowledge(app: TaskingApp, cmd: CaseReviewAcknowledge) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.acknowledge(*who, cmd.note))


@handler
def case_review_assess(app: TaskingApp, cmd: CaseReviewAssess) -> Result:
    """Decide the threshold on the record as it stands at `at`, and keep the decision in the event."""
    login, agency = acting(app, cmd)
    review = get_review(app, cmd.review)
    review.check_open("assess")
    review.check_once(review.assessment, "assessed")
    flush = getattr(app, "flush", None)
    if flush is not None:  # a batching app holds recent cases in memory: write them so they can be read
        flush()
    complaints, links = gather(app, app.config, review.applicant, review.cases, cmd.effective)
    application = Application(applicant=review.applicant, received_at=review.received_at, cases=frozenset(review.cases))
    result = assess(application, complaints, links, rules_of(app), at=cmd.effective, recorded_by=utcnow())
    review.assess(login, agency, cmd.effective, **result.as_dict())
    app.save(review)
    return {"review": review.reference, **result.as_dict()}


@handler
def case_review_decide(app: TaskingApp, cmd: CaseReviewDecide) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.decide(*who, cmd.outcome, cmd.reason), decision=cmd.outcome)


@handler
def case_review_hold(app: TaskingApp, cmd: CaseReviewHold) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.hold(*who, cmd.note))


def _applicants_cases(review: CaseReview) -> list[str]:
    found = list(review.cases)
    if review.assessment:
        found += review.assessment["qualifying"] + [item["case"] for item in review.assessment["excluded"]]
    return sorted(set(found))


@handler
def case_review_recommend(app: TaskingApp, cmd: CaseReviewRecommend) -> Result:
    """A recommendation to an agency, raised as a tasking on one of the applicant's cases."""
    login, agency = acting(app, cmd)
    app.config.check_agency(cmd.agency)
    review = get_review(app, cmd.review)
    review.check_can_recommend(cmd.effective)
    cases = _applicants_cases(review)
    if cmd.case:
        case = app.get_case(cmd.case)
        if case.reference not in cases:
            raise DomainError(
                "case",
                f"{case.reference} is not one of the applicant's cases in {review.reference} "
                f"({', '.join(cases) or 'none'})",
            )
    else:  # the latest open case that counted (or that the application named), else any of the applicant's
        assessed = review.assessment or {"qualifying": []}
        preferred = sorted(set(assessed["qualifying"]) | set(review.cases), reverse=True)
        ordered = preferred + [ref for ref in reversed(cases) if ref not in preferred]
        open_cases = [c for c in (app.get_case(ref) for ref in ordered) if c.status == "open"]
        if not open_cases:
            raise DomainError("case", f"{review.reference} has no open case to task; reopen one and give --case")
        case = open_cases[0]
    tasking = case.raise_tasking(login, agency, cmd.effective, cmd.agency, None, cmd.action, cmd.due)
    number = review.recommend(login, agency, cmd.effective, cmd.agency, cmd.action, cmd.due, case.reference, tasking)
    app.save(review, case)
    return {"review": review.reference, "recommendation": number, "case": case.reference, "tasking": tasking}


@handler
def case_review_respond(app: TaskingApp, cmd: CaseReviewRespond) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.respond(*who, cmd.note))


@handler
def case_review_close(app: TaskingApp, cmd: CaseReviewClose) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.close(*who, cmd.note))


def _on_review(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    return decide_on(app, cmd, "review", get_review, decide, **extra)
