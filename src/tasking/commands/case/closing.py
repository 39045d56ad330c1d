"""`CloseCase` / `close_case` / `tasking close`, and `ReopenCase` / `reopen_case` / `tasking reopen`."""

from __future__ import annotations

import datetime as dt

from tasking.commands.base import Narrative
from tasking.commands.case.base import CaseCommand, on_case
from tasking.commands.registry import Result, handler
from tasking.domain.case import Case
from tasking.domain.vocabulary import CloseReason, UpdateChannel
from tasking.store.application import TaskingApp


class CloseCase(CaseCommand):
    reason: CloseReason
    note: Narrative | None = None
    complete_taskings: Narrative | None = None  # the result recorded on taskings still open
    reporter_told: UpdateChannel | None = None  # the reporter was told of the closure, by this channel
    public_note: Narrative | None = None  # shared through Open311's servicerequestupdates (issue 23)


class ReopenCase(CaseCommand):
    reason: Narrative


@handler
def close_case(app: TaskingApp, cmd: CloseCase) -> Result:
    """One save: the closure, any taskings it completes and the reporter told of it."""

    def decide(case: Case, user: str, agency: str, at: dt.datetime) -> None:
        case.close(user, agency, at, cmd.reason, cmd.note, cmd.complete_taskings, cmd.reporter_told)
        if cmd.public_note:
            case.share_public_note(user, agency, at, cmd.public_note)

    return on_case(app, cmd, decide)


@handler
def reopen_case(app: TaskingApp, cmd: ReopenCase) -> Result:
    return on_case(app, cmd, lambda case, *who: case.reopen(*who, cmd.reason))
