"""Taskings on a case: `RaiseTasking` (`tasking task`), `ReassignTasking` (`tasking reassign`) and
`CompleteTasking` (`tasking complete`)."""

from __future__ import annotations

import datetime as dt

from tasking.commands.base import Code, Narrative, Ref
from tasking.commands.case.base import CaseCommand, on_case
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.errors import DomainError
from tasking.store.application import TaskingApp


class RaiseTasking(CaseCommand):
    agency: Code
    action: Narrative
    due: dt.date
    owner: Code | None = None


class ReassignTasking(CaseCommand):
    tasking: Ref
    agency: Code | None = None  # None: the agency it is tasked to now keeps it (a new owner only)
    owner: Code | None = None


class CompleteTasking(CaseCommand):
    tasking: Ref
    result: Narrative


@handler
def raise_tasking(app: TaskingApp, cmd: RaiseTasking) -> Result:
    login, agency = acting(app, cmd)
    to_agency = app.config.check_agency(cmd.agency)
    _check_owner(app, cmd.owner)
    case = app.get_case(cmd.case)
    tasking = case.raise_tasking(login, agency, cmd.effective, to_agency, cmd.owner, cmd.action, cmd.due)
    app.save(case)
    return {"case": case.reference, "tasking": tasking}


@handler
def reassign_tasking(app: TaskingApp, cmd: ReassignTasking) -> Result:
    login, agency = acting(app, cmd)
    if cmd.agency is None and cmd.owner is None:
        raise DomainError("agency", "give the agency to reassign to (--agency), the new owner (--owner), or both")
    to_agency = app.config.check_agency(cmd.agency) if cmd.agency is not None else None
    _check_owner(app, cmd.owner)
    case = app.get_case(cmd.case)
    case.reassign(login, agency, cmd.effective, cmd.tasking, to_agency, cmd.owner)
    app.save(case)
    return {"case": case.reference, "tasking": cmd.tasking}


@handler
def complete_tasking(app: TaskingApp, cmd: CompleteTasking) -> Result:
    return on_case(app, cmd, lambda case, *who: case.complete(*who, cmd.tasking, cmd.result), tasking=cmd.tasking)


def _check_owner(app: TaskingApp, owner: str | None) -> None:
    if owner:
        app.get_user(owner, "owner")
