"""Handlers: load, let the aggregate decide, save, return the references. One registry at the bottom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tasking.store.application import TaskingApp
from tasking.commands.base import Command
from tasking.commands.case import (
    AssessRisk,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
    Refer,
    ReopenCase,
    UpdateReporter,
    UsePower,
)
from tasking.commands.briefing import IssueBriefing
from tasking.commands.tokens import TOKEN_HANDLERS
from tasking.commands.escalation_handlers import ESCALATION_HANDLERS
from tasking.commands.privacy_handlers import PRIVACY_HANDLERS
from tasking.commands.chain import CHAIN_HANDLERS
from tasking.commands.case import AssignLead
from tasking.commands.repeats import AcknowledgeFlag
from tasking.domain.repeat_flag import RepeatFlag
from tasking.commands.setup import AddPerson, AddUser, ChangeRole, DeactivateUser, InitStore
from tasking.domain.ids import user_id
from tasking.commands.data import DismissDuplicate, ImportReport, RecordPoliceMonth
from tasking.domain.duplicates import DuplicateDismissal
from tasking.domain.imported import ImportedRow
from tasking.domain.police import PoliceMonth
from tasking.config import PartnershipConfig, parse_config
from tasking.domain.briefing import Briefing
from tasking.domain.case import Case
from tasking.errors import DomainError
from tasking.domain.partnership import Partnership
from tasking.domain.person import Person
from tasking.domain.user import User
from tasking.domain.resident_email import queue_resident_email
from tasking.time.instants import financial_year_of, iso, local_date, parse_datetime
from tasking.time.meetings import MeetingCalendar

Result = dict[str, Any]


def _actor(app: TaskingApp, cmd: Command) -> tuple[str, str]:
    user = app.get_user(cmd.user)
    return user.login, user.member_of


def init_store(app: TaskingApp, cmd: InitStore) -> Result:
    if app.is_initialised():
        raise DomainError("store", f"{app.store_label or 'the store'} is already initialised")
    config = parse_config(cmd.config_toml)
    member_of = config.check_agency(cmd.agency)
    partnership = Partnership(config_toml=cmd.config_toml, user=cmd.user, agency=member_of, at=cmd.effective)
    admin = User(
        login=cmd.user,
        name=cmd.name,
        member_of=member_of,
        role="coordinator",
        user=cmd.user,
        agency=member_of,
        at=cmd.effective,
    )
    app.save(partnership, admin)
    return {"user": cmd.user, "partnership": config.name}


def add_user(app: TaskingApp, cmd: AddUser) -> Result:
    login, agency = _actor(app, cmd)
    member_of = app.config.check_agency(cmd.agency)
    if User.create_id(cmd.login) in app.repository:
        raise DomainError("login", f"user {cmd.login!r} already exists")
    added = User(
        login=cmd.login, name=cmd.name, member_of=member_of, role=cmd.role, user=login, agency=agency, at=cmd.effective
    )
    if cmd.email:
        added.set_email(cmd.email, login, agency, cmd.effective)  # where the taskings they own are emailed
    app.save(added)
    return {"user": cmd.login}


def _stored_user(app: TaskingApp, login: str) -> User:
    """The user as stored (not the process's kept copy), to decide on and save."""
    app.get_user(login, "id")
    return app.repository.get(user_id(login))


def deactivate_user(app: TaskingApp, cmd: DeactivateUser) -> Result:
    login, agency = _actor(app, cmd)
    if cmd.login == login:
        raise DomainError("id", "a user cannot deactivate themselves")
    found = _stored_user(app, cmd.login)
    found.deactivate(cmd.reason, login, agency, cmd.effective)
    app.save(found)
    return {"user": cmd.login, "active": False}


def change_role(app: TaskingApp, cmd: ChangeRole) -> Result:
    login, agency = _actor(app, cmd)
    if cmd.login == login:  # no one changes their own role (issue 21, 7)
        raise app.refuse(app.actor(login), "users role", "no one changes their own role")
    found = _stored_user(app, cmd.login)
    found.change_role(cmd.role, cmd.reason, login, agency, cmd.effective)
    app.save(found)
    return {"user": cmd.login, "role": cmd.role}


def add_person(app: TaskingApp, cmd: AddPerson) -> Result:
    login, agency = _actor(app, cmd)
    sequence = app.sequence("people")
    reference = f"PER-{sequence.next():05d}"
    person = Person(
        reference=reference,
        name=cmd.name,
        phone=cmd.phone,
        email=cmd.email,
        address=cmd.address,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, person)
    return {"person": reference}


def record_report(app: TaskingApp, cmd: RecordReport) -> Result:
    login, agency = _actor(app, cmd)
    case = new_case(app, cmd, login, agency)
    app.save(*case)
    return {"case": case[1].reference}


def new_case(
    app: TaskingApp, cmd: RecordReport, login: str, agency: str, new_people: tuple[str, ...] = ()
) -> tuple[Any, Case]:
    """Validate a report against the partnership and build its case (unsaved), with its reference.
    `new_people`: people saved in the same transaction as the case (not yet in the store)."""
    config = app.config
    source = config.check_agency(cmd.source, "source")
    config.check_category(cmd.category)
    area = config.check_area(cmd.area)
    for field, person in (("reporter", cmd.reporter), ("victim", cmd.victim)):
        if person and person not in new_people:
            app.get_person(person, field)
    if cmd.no_feedback:
        feedback = "declined"
    elif config.reports_back(source):
        feedback = "report-back"
    elif cmd.anonymous:
        feedback = "anonymous"
    else:
        feedback = "resident"
    year = financial_year_of(cmd.effective)
    sequence = app.sequence(f"cases/{year}")
    reference = f"{config.reference_prefix}-{year}-{sequence.next():05d}"
    case = Case(
        reference=reference,
        user=login,
        agency=agency,
        at=cmd.effective,
        occurred_at=cmd.occurred_at,
        source=source,
        channel=cmd.channel,
        category=cmd.category,
        area=area,
        location=cmd.location,
        reporter=cmd.reporter,
        victim=cmd.victim,
        feedback=feedback,
        risk=cmd.risk,
        summary=cmd.summary,
        lat=None if cmd.lat is None else round(cmd.lat, 6),
        lon=None if cmd.lon is None else round(cmd.lon, 6),
    )
    return sequence, case


def link_cases(app: TaskingApp, cmd: LinkCases) -> Result:
    login, agency = _actor(app, cmd)
    case, other = app.get_case(cmd.case), app.get_case(cmd.to, "to")
    for one, two in ((case, other), (other, case)):  # decide on both before recording either
        one.check_open("link")
        one.check_not_before_received(cmd.effective)
        one.check_can_link(two.reference)
    case.link(login, agency, cmd.effective, other.reference, cmd.reason)
    other.link(login, agency, cmd.effective, case.reference, cmd.reason)
    app.save(case, other)
    return {"case": case.reference, "to": other.reference}


def raise_tasking(app: TaskingApp, cmd: RaiseTasking) -> Result:
    login, agency = _actor(app, cmd)
    to_agency = app.config.check_agency(cmd.agency)
    _check_owner(app, cmd.owner)
    case = app.get_case(cmd.case)
    tasking = case.raise_tasking(login, agency, cmd.effective, to_agency, cmd.owner, cmd.action, cmd.due)
    app.save(case)
    return {"case": case.reference, "tasking": tasking}


def reassign_tasking(app: TaskingApp, cmd: ReassignTasking) -> Result:
    login, agency = _actor(app, cmd)
    if cmd.agency is None and cmd.owner is None:
        raise DomainError("agency", "give the agency to reassign to (--agency), the new owner (--owner), or both")
    to_agency = app.config.check_agency(cmd.agency) if cmd.agency is not None else None
    _check_owner(app, cmd.owner)
    case = app.get_case(cmd.case)
    case.reassign(login, agency, cmd.effective, cmd.tasking, to_agency, cmd.owner)
    app.save(case)
    return {"case": case.reference, "tasking": cmd.tasking}


def complete_tasking(app: TaskingApp, cmd: CompleteTasking) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.complete(*who, cmd.tasking, cmd.result), tasking=cmd.tasking)


def record_follow_up(app: TaskingApp, cmd: RecordFollowUp) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.follow_up(*who, cmd.kind, cmd.outcome))


def update_reporter(app: TaskingApp, cmd: UpdateReporter) -> Result:
    """The update; with `public_note`, the words shared through Open311; with `send`, the note
    queued to the reporter by email (`tasking.notify`), all in one save."""
    login, agency = _actor(app, cmd)
    case = app.get_case(cmd.case)
    case.update_reporter(login, agency, cmd.effective, cmd.channel, cmd.note)
    if cmd.public_note:
        case.share_public_note(login, agency, cmd.effective, cmd.public_note)
    saved: list[Any] = [case]
    if cmd.send:
        saved.append(queue_resident_email(case, cmd.note, login, agency, cmd.effective))
    app.save(*saved)
    return {"case": case.reference, **({"queued": saved[1].key} if cmd.send else {})}


def use_power(app: TaskingApp, cmd: UsePower) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.use_power(*who, cmd.power))


def refer(app: TaskingApp, cmd: Refer) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.refer(*who, cmd.to))


def assess_risk(app: TaskingApp, cmd: AssessRisk) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.assess_risk(*who, cmd.level, cmd.reason))


def correct_case(app: TaskingApp, cmd: CorrectCase) -> Result:
    config, value = app.config, cmd.value
    if cmd.field == "category":
        value = config.check_category(value, "value")
    elif cmd.field == "area":
        value = config.check_area(value, "value")
    elif cmd.field == "source":
        value = config.check_agency(value, "value")
    elif cmd.field == "occurred":
        value = iso(parse_datetime(value, "value"))
    return _on_case(app, cmd, lambda case, *who: case.correct(*who, cmd.field, value, cmd.reason))


def close_case(app: TaskingApp, cmd: CloseCase) -> Result:
    """One save: the closure, any taskings it completes and the reporter told of it."""

    def decide(case: Case, *who: Any) -> None:
        case.close(*who, cmd.reason, cmd.note, cmd.complete_taskings, cmd.reporter_told)
        if cmd.public_note:
            case.share_public_note(*who, cmd.public_note)

    return _on_case(app, cmd, decide)


def assign_lead(app: TaskingApp, cmd: AssignLead) -> Result:
    lead = app.get_user(cmd.lead, "lead").login
    return _on_case(app, cmd, lambda case, *who: case.assign_lead(*who, lead), lead=lead)


def acknowledge_flag(app: TaskingApp, cmd: AcknowledgeFlag) -> Result:
    login, agency = _actor(app, cmd)
    for reference in cmd.cases:
        app.get_case(reference, "cases")
    try:
        flag = app.repository.get(RepeatFlag.create_id(cmd.flag))
    except AggregateNotFoundError:
        flag = RepeatFlag(
            flag=cmd.flag, cases=list(cmd.cases), note=cmd.note, user=login, agency=agency, at=cmd.effective
        )
    else:
        flag.acknowledge(list(cmd.cases), cmd.note, login, agency, cmd.effective)
    app.save(flag)
    return {"flag": cmd.flag, "cases": list(cmd.cases)}


def reopen_case(app: TaskingApp, cmd: ReopenCase) -> Result:
    return _on_case(app, cmd, lambda case, *who: case.reopen(*who, cmd.reason))


def issue_briefing(app: TaskingApp, cmd: IssueBriefing) -> Result:
    """Record a pack once per meeting day; a second attempt changes nothing and says so."""
    login, agency = _actor(app, cmd)
    check_meeting(app, cmd)
    if Briefing.create_id(cmd.meeting_day) in app.repository:
        return {"briefing": cmd.meeting_day, "issued": False}
    app.save(
        Briefing(
            meeting_day=cmd.meeting_day,
            meeting=cmd.meeting,
            window_from=cmd.window_from,
            window_to=cmd.window_to,
            new_reports=list(cmd.new_reports),
            due_taskings=list(cmd.due_taskings),
            feedback_owed=list(cmd.feedback_owed),
            repeat_flags=list(cmd.repeat_flags),
            digest=cmd.digest,
            files=list(cmd.files),
            user=login,
            agency=agency,
            at=cmd.effective,
        )
    )
    return {"briefing": cmd.meeting_day, "issued": True}


def check_real_meeting(config: PartnershipConfig, meeting: dt.datetime, at: dt.datetime) -> None:
    """A pack is for a real meeting on the partnership's calendar whose pack time (the meeting less
    `briefing_lead_minutes`) has come by `at`, the issue time."""
    rules = config.meeting
    if not MeetingCalendar(rules.time).is_meeting(meeting):
        raise DomainError(
            "meeting",
            f"{iso(meeting)} is not a tasking meeting: meetings are on working days "
            f"(not England and Wales bank holidays) at {rules.time} Europe/London",
        )
    if meeting - dt.timedelta(minutes=rules.briefing_lead_minutes) > at:
        raise DomainError(
            "meeting",
            f"the pack for the meeting at {iso(meeting)} cannot be issued more than "
            f"{rules.briefing_lead_minutes} minutes ahead of it",
        )


def check_meeting(app: TaskingApp, cmd: IssueBriefing) -> None:
    """A real meeting whose pack time has come (`check_real_meeting`), once; its window ends at it."""
    check_real_meeting(app.config, cmd.meeting, cmd.effective)
    if cmd.meeting_day != local_date(cmd.meeting).isoformat():
        raise DomainError("meeting_day", f"meeting_day must be the meeting's date, {local_date(cmd.meeting)}")
    if cmd.window_to != cmd.meeting or not cmd.window_from < cmd.window_to:
        raise DomainError("window_to", "a pack's window ends at its meeting and starts before it")


def import_report(app: TaskingApp, cmd: ImportReport) -> Result:
    """Open a case from a partner's row, once: the row's record is saved with the case, in one save."""
    login, agency = _actor(app, cmd)
    key = ImportedRow.create_id(cmd.system, cmd.source_reference)
    if key in app.repository:
        before = app.repository.get(key)
        return {"case": before.case, "imported": False, "conflict": before.digest != cmd.digest}
    sequence, case = new_case(app, cmd.report, login, agency)
    row = ImportedRow(
        source=cmd.system,
        source_reference=cmd.source_reference,
        digest=cmd.digest,
        case=case.reference,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, case, row)
    return {"case": case.reference, "imported": True, "conflict": False}


def record_police_month(app: TaskingApp, cmd: RecordPoliceMonth) -> Result:
    """Record a month's figures, or replace them with a new event; the same figures again change nothing."""
    login, agency = _actor(app, cmd)
    asb, files = [list(item) for item in cmd.asb], list(cmd.files)
    key = PoliceMonth.create_id(cmd.month)
    if key in app.repository:
        month = app.repository.get(key)
        if month.digest == files:
            return {"month": cmd.month, "recorded": "unchanged", "asb_incidents": len(asb)}
        month.replace(asb=asb, crimes=cmd.crimes, files=files, user=login, agency=agency, at=cmd.effective)
        outcome = "replaced"
    else:
        month = PoliceMonth(
            month=cmd.month, asb=asb, crimes=cmd.crimes, files=files, user=login, agency=agency, at=cmd.effective
        )
        outcome = "recorded"
    app.save(month)
    return {"month": cmd.month, "recorded": outcome, "asb_incidents": len(asb)}


def dismiss_duplicate(app: TaskingApp, cmd: DismissDuplicate) -> Result:
    login, agency = _actor(app, cmd)
    case, other = app.get_case(cmd.case), app.get_case(cmd.other, "other")
    if case.reference == other.reference:
        raise DomainError("other", "a case cannot be a duplicate of itself")
    if DuplicateDismissal.create_id(case.reference, other.reference) in app.repository:
        raise DomainError("other", f"{case.reference} and {other.reference} were already dismissed as duplicates")
    app.save(
        DuplicateDismissal(
            case=case.reference, other=other.reference, reason=cmd.reason, user=login, agency=agency, at=cmd.effective
        )
    )
    return {"case": case.reference, "other": other.reference, "dismissed": True}


def _on_case(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    login, agency = _actor(app, cmd)
    case = app.get_case(cmd.case)
    decide(case, login, agency, cmd.effective)
    app.save(case)
    return {"case": case.reference, **extra}


def _check_owner(app: TaskingApp, owner: str | None) -> None:
    if owner:
        app.get_user(owner, "owner")


from tasking.commands.year_handlers import YEAR_HANDLERS  # noqa: E402

COMMAND_HANDLERS: dict[type[Command], Callable[[TaskingApp, Any], Result]] = {
    InitStore: init_store,
    AddUser: add_user,
    AddPerson: add_person,
    RecordReport: record_report,
    LinkCases: link_cases,
    RaiseTasking: raise_tasking,
    ReassignTasking: reassign_tasking,
    CompleteTasking: complete_tasking,
    RecordFollowUp: record_follow_up,
    UpdateReporter: update_reporter,
    UsePower: use_power,
    Refer: refer,
    AssessRisk: assess_risk,
    CorrectCase: correct_case,
    CloseCase: close_case,
    ReopenCase: reopen_case,
    IssueBriefing: issue_briefing,
    **ESCALATION_HANDLERS,
    AssignLead: assign_lead,
    AcknowledgeFlag: acknowledge_flag,
    ImportReport: import_report,
    RecordPoliceMonth: record_police_month,
    DismissDuplicate: dismiss_duplicate,
    **TOKEN_HANDLERS,
    DeactivateUser: deactivate_user,
    ChangeRole: change_role,
    **PRIVACY_HANDLERS,
    **CHAIN_HANDLERS,
    **YEAR_HANDLERS,  # the partnership's year (issue 26)
}


from tasking.commands.open311 import OPEN311_HANDLERS  # noqa: E402 - it builds on `new_case` above (issue 23)

COMMAND_HANDLERS.update(OPEN311_HANDLERS)
