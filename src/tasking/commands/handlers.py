"""The one registry: every command's handler, gathered from the topic modules where each command's
model sits beside its handler (marked `@handler`, `tasking.commands.registry`).

The topics are listed once, here, in the order the API lists its writes (`tasking.web.api`);
a command with no handler, or with two, fails the permission table's test and `gather`.
"""

from __future__ import annotations

from tasking.commands import (
    briefing,
    case_review,
    chain,
    data,
    marac,
    open311,
    privacy,
    repeats,
    setup,
    tfg,
    tokens,
    users,
)
from tasking.commands.briefing import check_real_meeting
from tasking.commands.case import actions, closing, oversight, report, taskings
from tasking.commands.registry import Handler, Result, gather
from tasking.commands.year import activity, cctv, funding, plan

__all__ = ["COMMAND_HANDLERS", "Handler", "Result", "check_real_meeting"]

COMMAND_HANDLERS = gather(
    setup,
    report,
    taskings,
    actions,
    closing,
    briefing,
    case_review,
    tfg,
    marac,
    oversight,
    repeats,
    data,
    tokens,
    users,
    privacy,
    chain,
    plan,
    activity,
    funding,
    cctv,
    open311,
)
