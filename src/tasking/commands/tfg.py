"""Task and Finish groups, `tasking tfg ...`: intensive partnership work on a problem, with its
own actions (`tfg open` is `TfgOpen`, handled by `tfg_open`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tasking.commands.base import Code, Command, Narrative, Ref, Text
from tasking.commands.loading import acting, decide_on, load, next_reference
from tasking.commands.registry import Result, handler
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.store.application import TaskingApp


class TfgOpen(Command):
    focus: Narrative
    area: Text
    cases: tuple[Ref, ...] = ()
    reason: Narrative


class GroupCommand(Command):
    group: Ref


class TfgAddCase(GroupCommand):
    case: Ref


class TfgAction(GroupCommand):
    """An action of the group: a tasking owned by the group."""

    agency: Code
    action: Narrative
    due: dt.date


class TfgCompleteAction(GroupCommand):
    action: Ref
    result: Narrative


class TfgMeet(GroupCommand):
    note: Narrative


class TfgComplete(GroupCommand):
    outcome: Narrative


def get_group(app: TaskingApp, reference: str) -> TaskAndFinishGroup:
    return load(app, TaskAndFinishGroup, reference, "group", "Task and Finish group")


@handler
def tfg_open(app: TaskingApp, cmd: TfgOpen) -> Result:
    login, agency = acting(app, cmd)
    area = app.config.check_area(cmd.area)
    cases = [app.get_case(case).reference for case in dict.fromkeys(cmd.cases)]
    sequence, reference = next_reference(app, "task-and-finish", "TFG", 2, cmd)
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


@handler
def tfg_add_case(app: TaskingApp, cmd: TfgAddCase) -> Result:
    case = app.get_case(cmd.case).reference
    return _on_group(app, cmd, lambda group, *who: group.add_case(*who, case), case=case)


@handler
def tfg_action(app: TaskingApp, cmd: TfgAction) -> Result:
    app.config.check_agency(cmd.agency)
    found: dict[str, str] = {}
    result = _on_group(
        app, cmd, lambda group, *who: found.update(action=group.raise_action(*who, cmd.agency, cmd.action, cmd.due))
    )
    return {**result, **found}


@handler
def tfg_complete_action(app: TaskingApp, cmd: TfgCompleteAction) -> Result:
    return _on_group(
        app, cmd, lambda group, *who: group.complete_action(*who, cmd.action, cmd.result), action=cmd.action
    )


@handler
def tfg_meet(app: TaskingApp, cmd: TfgMeet) -> Result:
    return _on_group(app, cmd, lambda group, *who: group.meet(*who, cmd.note))


@handler
def tfg_complete(app: TaskingApp, cmd: TfgComplete) -> Result:
    return _on_group(app, cmd, lambda group, *who: group.complete(*who, cmd.outcome))


def _on_group(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    return decide_on(app, cmd, "group", get_group, decide, **extra)
