"""Handlers for the partnership's year: load (or make), let the aggregate decide, save."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tasking.commands.base import Command
from tasking.commands.escalation_handlers import _actor, _get  # the same load-or-NotFound
from tasking.commands.year import (
    ActivityRecord,
    CctvAdd,
    CctvDeploy,
    CctvLink,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PactAdd,
    PlanAdd,
    PlanUpdate,
)
from tasking.domain.access import AccessRefusal
from tasking.domain.action_plan import PlanAction
from tasking.domain.cctv import Camera
from tasking.errors import DomainError
from tasking.domain.funding import Grant
from tasking.domain.partnership_activity import PactPanel, PartnershipActivity
from tasking.domain.permissions import OWN, Forbidden
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.store.application import TaskingApp
from tasking.time.instants import financial_year_of, local_date, utcnow

Result = dict[str, Any]


def _next(app: TaskingApp, name: str, prefix: str, width: int) -> tuple[Any, str]:
    sequence = app.sequence(name)
    return sequence, f"{prefix}-{sequence.next():0{width}d}"


def _pence(amount: Decimal) -> int:
    return int(amount * 100)


def panel_reference(name: str) -> str:
    """`New Ash Green` -> `PACT-NEW-ASH-GREEN`; a reference given is itself."""
    slug = re.sub(r"[^A-Z0-9]+", "-", name.strip().upper()).strip("-")
    return slug if slug.startswith("PACT-") else f"PACT-{slug}"


# --- the action plan -------------------------------------------------------------------------


def plan_add(app: TaskingApp, cmd: PlanAdd) -> Result:
    login, agency = _actor(app, cmd)
    lead = app.config.check_agency(cmd.lead, "lead")
    sequence, number = _next(app, f"plan/{cmd.year}", f"AP-{cmd.year}", 2)
    app.save(
        sequence,
        PlanAction(
            reference=number,
            year=cmd.year,
            priority=cmd.priority,
            action=cmd.action,
            lead=lead,
            due=cmd.due.isoformat(),
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"action": number, "status": "planned"}


def plan_update(app: TaskingApp, cmd: PlanUpdate) -> Result:
    login, agency = _actor(app, cmd)
    action = _get(app, PlanAction, cmd.action, "action", "plan action")
    action.update(login, agency, cmd.effective, cmd.status, cmd.reason)
    app.save(action)
    return {"action": action.reference, "status": action.status}


# --- activities and PACT panels ---------------------------------------------------------------


def pact_add(app: TaskingApp, cmd: PactAdd) -> Result:
    login, agency = _actor(app, cmd)
    area = app.config.check_area(cmd.area)
    reference = panel_reference(cmd.name)
    if PactPanel.create_id(reference) in app.repository:
        raise DomainError("name", f"a PACT panel {cmd.name!r} is already set up ({reference})")
    app.save(PactPanel(reference=reference, name=cmd.name, area=area, user=login, agency=agency, at=cmd.effective))
    return {"panel": reference}


def _check_led(app: TaskingApp, cmd: ActivityRecord, lead: str) -> None:
    """Officers record only the activities their own agency led (the `own` scope of `activity`)."""
    actor = app.actor(cmd.user)
    if app.authorize(actor, "activity") == OWN and lead != actor.agency:
        rule = f"an officer records only activities their agency led ({actor.agency}), not {lead}'s"
        app.write(
            AccessRefusal(
                action="activity",
                case=None,
                role=actor.role,
                rule=rule,
                user=actor.login,
                agency=actor.agency,
                at=utcnow(),
            )
        )
        raise Forbidden(actor.role, "activity", rule)


def activity_record(app: TaskingApp, cmd: ActivityRecord) -> Result:
    login, agency = _actor(app, cmd)
    lead = app.config.check_agency(cmd.lead, "lead")
    _check_led(app, cmd, lead)
    areas = list(dict.fromkeys(app.config.check_area(area, "area") for area in cmd.areas))
    partners = list(dict.fromkeys(app.config.check_agency(code, "partner") for code in cmd.partners))
    cases = [app.get_case(case, "case").reference for case in dict.fromkeys(cmd.cases)]
    groups = [
        _get(app, TaskAndFinishGroup, group, "group", "Task and Finish group").reference
        for group in dict.fromkeys(cmd.groups)
    ]
    panel = None
    if cmd.panel is not None:
        panel = _get(app, PactPanel, panel_reference(cmd.panel), "panel", "PACT panel").reference
    year = financial_year_of(cmd.effective)
    sequence, number = _next(app, f"activities/{year}", f"ACT-{year}", 3)
    app.save(
        sequence,
        PartnershipActivity(
            reference=number,
            kind=cmd.kind,
            day=local_date(cmd.effective).isoformat(),
            areas=areas,
            lead=lead,
            partners=partners,
            attendance=cmd.attendance,
            outcome=cmd.outcome,
            cases=cases,
            flags=list(cmd.flags),
            groups=groups,
            panel=panel,
            actions=list(cmd.actions),
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"activity": number, "kind": cmd.kind}


# --- funding ------------------------------------------------------------------------------------


def funding_grant(app: TaskingApp, cmd: FundingGrant) -> Result:
    login, agency = _actor(app, cmd)
    sequence, number = _next(app, f"grants/{cmd.year}", f"GR-{cmd.year}", 2)
    app.save(
        sequence,
        Grant(
            reference=number,
            funder=cmd.funder,
            amount=_pence(cmd.amount),
            year=cmd.year,
            note=cmd.note,
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"grant": number}


def funding_allocate(app: TaskingApp, cmd: FundingAllocate) -> Result:
    login, agency = _actor(app, cmd)
    grant = _get(app, Grant, cmd.grant, "grant", "grant")
    number = grant.allocate(login, agency, cmd.effective, cmd.organisation, cmd.project, cmd.half, _pence(cmd.amount))
    app.save(grant)
    return {"grant": grant.reference, "allocation": number}


def funding_spend(app: TaskingApp, cmd: FundingSpend) -> Result:
    login, agency = _actor(app, cmd)
    grant = _get(app, Grant, cmd.grant, "grant", "grant")
    grant.spend(login, agency, cmd.effective, cmd.allocation, _pence(cmd.amount), cmd.note)
    app.save(grant)
    return {"grant": grant.reference, "allocation": cmd.allocation}


# --- mobile CCTV ----------------------------------------------------------------------------------


def cctv_add(app: TaskingApp, cmd: CctvAdd) -> Result:
    login, agency = _actor(app, cmd)
    sequence, number = _next(app, "cameras", "CAM", 2)
    app.save(
        sequence, Camera(reference=number, description=cmd.description, user=login, agency=agency, at=cmd.effective)
    )
    return {"camera": number}


def cctv_deploy(app: TaskingApp, cmd: CctvDeploy) -> Result:
    login, agency = _actor(app, cmd)
    camera = _get(app, Camera, cmd.camera, "camera", "camera")
    area = app.config.check_area(cmd.area)
    if cmd.case is not None:
        kind, reason = "case", app.get_case(cmd.case).reference
    elif cmd.group is not None:
        kind, reason = "group", _get(app, TaskAndFinishGroup, cmd.group, "group", "Task and Finish group").reference
    else:
        kind, reason = "flag", str(cmd.flag)
    number = camera.deploy(
        login, agency, cmd.effective, cmd.location, area, cmd.lat, cmd.lon, cmd.start, cmd.end, kind, reason
    )
    app.save(camera)
    return {"camera": camera.reference, "deployment": number}


def cctv_link(app: TaskingApp, cmd: CctvLink) -> Result:
    login, agency = _actor(app, cmd)
    camera = _get(app, Camera, cmd.camera, "camera", "camera")
    case = app.get_case(cmd.case).reference
    camera.link(login, agency, cmd.effective, cmd.deployment, case)
    app.save(camera)
    return {"camera": camera.reference, "deployment": cmd.deployment, "case": case}


YEAR_HANDLERS: dict[type[Command], Callable[[TaskingApp, Any], Result]] = {
    PlanAdd: plan_add,
    PlanUpdate: plan_update,
    PactAdd: pact_add,
    ActivityRecord: activity_record,
    FundingGrant: funding_grant,
    FundingAllocate: funding_allocate,
    FundingSpend: funding_spend,
    CctvAdd: cctv_add,
    CctvDeploy: cctv_deploy,
    CctvLink: cctv_link,
}
