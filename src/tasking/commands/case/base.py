"""What every command on one case has (`case`), and the handler shape most of them share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasking.commands.base import Command, Ref
from tasking.commands.loading import acting
from tasking.commands.registry import Result
from tasking.store.application import TaskingApp


class CaseCommand(Command):
    case: Ref


def on_case(app: TaskingApp, cmd: Any, decide: Callable[..., None], **extra: str) -> Result:
    """Load the case, let it decide (with who, which agency and when), save it."""
    login, agency = acting(app, cmd)
    case = app.get_case(cmd.case)
    decide(case, login, agency, cmd.effective)
    app.save(case)
    return {"case": case.reference, **extra}
