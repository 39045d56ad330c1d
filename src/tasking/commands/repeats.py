"""Answering a repeat flag: `AcknowledgeFlag` / `acknowledge_flag` / `tasking repeats acknowledge`."""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError

from tasking.commands.base import Command, Narrative, Ref
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.repeat_flag import RepeatFlag
from tasking.store.application import TaskingApp


class AcknowledgeFlag(Command):
    """The flag was dealt with (e.g. "victim told of the case review"), for these cases."""

    flag: Ref
    cases: tuple[Ref, ...]
    note: Narrative


@handler
def acknowledge_flag(app: TaskingApp, cmd: AcknowledgeFlag) -> Result:
    login, agency = acting(app, cmd)
    for reference in cmd.cases:
        app.get_case(reference, "cases")
    flag: RepeatFlag
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
