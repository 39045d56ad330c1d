"""Handlers for ASB case reviews, Task and Finish groups, the Community MARAC and risk reviews.

Each loads, lets the aggregates decide, and saves in one `save`, so a recommendation and its
tasking (or a discussion and its actions) are recorded together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tasking.commands.base import Command
from tasking.commands.case import ReviewCase
from tasking.commands.case_review_evidence import gather
from tasking.commands.escalation import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
    MaracDiscuss,
    MaracMeetingsAdd,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
)
from tasking.domain.case_review import CaseReview
from tasking.errors import DomainError, NotFound
from tasking.domain.marac import MaracMeeting
from tasking.domain.qualifying import Application, Rules, assess
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.store.application import TaskingApp
from tasking.time.instants import financial_year_of, local_date, utcnow

Result = dict[str, Any]


def _actor(app: TaskingApp, cmd: Command) -> tuple[str, str]:
    user = app.get_user(cmd.user)
    return user.login, user.member_of


def _get(app: TaskingApp, kind: type, reference: str, field: str, what: str) -> Any:
    try:
        return app.repository.get(kind.create_id(reference.strip().upper()))
    except AggregateNotFoundError:
        raise NotFound(field, f"unknown {what} {reference!r}") from None


def get_review(app: TaskingApp, reference: str) -> CaseReview:
    return _get(app, CaseReview, reference, "review", "case review")


def get_group(app: TaskingApp, reference: str) -> TaskAndFinishGroup:
    return _get(app, TaskAndFinishGroup, reference, "group", "Task and Finish group")


def get_meeting(app: TaskingApp, day: str) -> MaracMeeting:
    return _get(app, MaracMeeting, day, "meeting", "Community MARAC meeting on")


def _next_reference(app: TaskingApp, kind: str, prefix: str, width: int, cmd: Command) -> tuple[Any, str]:
    year = financial_year_of(cmd.effective)
    sequence = app.sequence(f"{kind}/{year}")
    return sequence, f"{prefix}-{year}-{sequence.next():0{width}d}"


def rules_of(app: TaskingApp) -> Rules:
    config = app.config.case_review
    return Rules(
        threshold=config.threshold,
        complaint_within_months=config.complaint_within_months,
        application_within_months=config.application_within_months,
        different_complainants=config.local_rules.different_complainants,
        hate_incident=config.local_rules.hate_incident,
    )


# --- ASB case review -------------------------------------------------------------------------


def case_review_apply(app: TaskingApp, cmd: CaseReviewApply) -> Result:
    login, agency = _actor(app, cmd)
    app.get_person(cmd.applicant, "applicant")
    if cmd.on_behalf_of:
        app.get_person(cmd.on_behalf_of, "on-behalf-of")
    cases = [app.get_case(case).reference for case in dict.fromkeys(cmd.cases)]
    sequence, reference = _next_reference(app, "case-reviews", "CR", 3, cmd)
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


def case_review_acknowledge(app: TaskingApp, cmd: CaseReviewAcknowledge) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.acknowledge(*who, cmd.note))


def case_review_assess(app: TaskingApp, cmd: CaseReviewAssess) -> Result:
    """Decide the threshold on the record as it stands at `at`, and keep the decision in the event."""
    login, agency = _actor(app, cmd)
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


def case_review_decide(app: TaskingApp, cmd: CaseReviewDecide) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.decide(*who, cmd.outcome, cmd.reason), decision=cmd.outcome)


def case_review_hold(app: TaskingApp, cmd: CaseReviewHold) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.hold(*who, cmd.note))


def _applicants_cases(review: CaseReview) -> list[str]:
    found = list(review.cases)
    if review.assessment:
        found += review.assessment["qualifying"] + [item["case"] for item in review.assessment["excluded"]]
    return sorted(set(found))


def case_review_recommend(app: TaskingApp, cmd: CaseReviewRecommend) -> Result:
    """A recommendation to an agency, raised as a tasking on one of the applicant's cases."""
    login, agency = _actor(app, cmd)
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


def case_review_respond(app: TaskingApp, cmd: CaseReviewRespond) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.respond(*who, cmd.note))


def case_review_close(app: TaskingApp, cmd: CaseReviewClose) -> Result:
    return _on_review(app, cmd, lambda review, *who: review.close(*who, cmd.note))


def _on(
    app: TaskingApp,
    cmd: Any,
    key: str,
    load: Callable[[TaskingApp, str], Any],
    decide: Callable[..., None],
    **extra: str,
) -> Result:
    """Load one aggregate by its reference (`cmd.review`, `cmd.group`), let it decide, save it."""
    login, agency = _actor(app, cmd)
    found = load(app, getattr(cmd, key))
    decide(found, login, agency, cmd.effective)
    app.save(found)
    return {key: found.reference, **extra}


def _on_review(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    return _on(app, cmd, "review", get_review, decide, **extra)


# --- Task and Finish groups --------------------------------------------------------------------


def tfg_open(app: TaskingApp, cmd: TfgOpen) -> Result:
    login, agency = _actor(app, cmd)
    area = app.config.check_area(cmd.area)
    cases = [app.get_case(case).reference for case in dict.fromkeys(cmd.cases)]
    sequence, reference = _next_reference(app, "task-and-finish", "TFG", 2, cmd)
    group = TaskAndFinishGroup(
        reference=reference,
        focus=cmd.focus,
        area=area,
        cases=cases,
        reason=cmd.reason,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, group)
    return {"group": reference}


def tfg_add_case(app: TaskingApp, cmd: TfgAddCase) -> Result:
    case = app.get_case(cmd.case).reference
    return _on_group(app, cmd, lambda group, *who: group.add_case(*who, case), case=case)


def tfg_action(app: TaskingApp, cmd: TfgAction) -> Result:
    app.config.check_agency(cmd.agency)
    found: dict[str, str] = {}
    result = _on_group(
        app, cmd, lambda group, *who: found.update(action=group.raise_action(*who, cmd.agency, cmd.action, cmd.due))
    )
    return {**result, **found}


def tfg_complete_action(app: TaskingApp, cmd: TfgCompleteAction) -> Result:
    return _on_group(
        app, cmd, lambda group, *who: group.complete_action(*who, cmd.action, cmd.result), action=cmd.action
    )


def tfg_meet(app: TaskingApp, cmd: TfgMeet) -> Result:
    return _on_group(app, cmd, lambda group, *who: group.meet(*who, cmd.note))


def tfg_complete(app: TaskingApp, cmd: TfgComplete) -> Result:
    return _on_group(app, cmd, lambda group, *who: group.complete(*who, cmd.outcome))


def _on_group(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    return _on(app, cmd, "group", get_group, decide, **extra)


# --- Community MARAC ------------------------------------------------------------------------------


def marac_meetings_add(app: TaskingApp, cmd: MaracMeetingsAdd) -> Result:
    login, agency = _actor(app, cmd)
    day = local_date(cmd.effective).isoformat()
    if MaracMeeting.create_id(day) in app.repository:
        raise DomainError("at", f"a Community MARAC meeting is already scheduled on {day}")
    app.save(MaracMeeting(meeting_day=day, user=login, agency=agency, at=cmd.effective))
    return {"meeting": day}


def marac_discuss(app: TaskingApp, cmd: MaracDiscuss) -> Result:
    """The case's discussion at a meeting; each action becomes a tasking on the case, raised at the meeting."""
    login, agency = _actor(app, cmd)
    meeting = get_meeting(app, cmd.meeting.isoformat())
    case = app.get_case(cmd.case)
    for item in cmd.actions:
        app.config.check_agency(item.agency, "action")
    taskings = [
        case.raise_tasking(login, agency, meeting.meeting_at, item.agency, None, item.action, item.due)
        for item in cmd.actions
    ]
    meeting.discuss(login, agency, case.reference, cmd.outcome, taskings, cmd.review_at, cmd.discharge)
    app.save(meeting, case)
    return {"meeting": meeting.meeting_day, "case": case.reference, "taskings": taskings}


# --- risk reviews -----------------------------------------------------------------------------------


def review_case(app: TaskingApp, cmd: ReviewCase) -> Result:
    login, agency = _actor(app, cmd)
    case = app.get_case(cmd.case)
    case.review_risk(login, agency, cmd.effective, cmd.level, cmd.note)
    app.save(case)
    return {"case": case.reference, "risk": case.risk}


ESCALATION_HANDLERS: dict[type[Command], Callable[[TaskingApp, Any], Result]] = {
    CaseReviewApply: case_review_apply,
    CaseReviewAcknowledge: case_review_acknowledge,
    CaseReviewAssess: case_review_assess,
    CaseReviewDecide: case_review_decide,
    CaseReviewHold: case_review_hold,
    CaseReviewRecommend: case_review_recommend,
    CaseReviewRespond: case_review_respond,
    CaseReviewClose: case_review_close,
    TfgOpen: tfg_open,
    TfgAddCase: tfg_add_case,
    TfgAction: tfg_action,
    TfgCompleteAction: tfg_complete_action,
    TfgMeet: tfg_meet,
    TfgComplete: tfg_complete,
    MaracMeetingsAdd: marac_meetings_add,
    MaracDiscuss: marac_discuss,
    ReviewCase: review_case,
}
