"""Issuing a briefing pack, the record of what a meeting was given: `IssueBriefing` /
`issue_briefing` / `tasking briefing issue`. A pack is for a real meeting, once."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime

from tasking.commands.base import Command
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.config import PartnershipConfig
from tasking.domain.briefing import Briefing
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.time.instants import iso, local_date
from tasking.time.meetings import MeetingCalendar


class IssueBriefing(Command):
    """`at` is when the pack was issued; `meeting` and the window say what it covers."""

    meeting_day: str
    meeting: AwareDatetime
    window_from: AwareDatetime
    window_to: AwareDatetime
    new_reports: tuple[str, ...] = ()
    due_taskings: tuple[str, ...] = ()
    feedback_owed: tuple[str, ...] = ()
    repeat_flags: tuple[str, ...] = ()
    digest: str
    files: tuple[str, ...] = ()


@handler
def issue_briefing(app: TaskingApp, cmd: IssueBriefing) -> Result:
    """Record a pack once per meeting day; a second attempt changes nothing and says so."""
    login, agency = acting(app, cmd)
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
