"""Issuing a briefing pack: the record of what a meeting was given."""

from __future__ import annotations

from pydantic import AwareDatetime

from tasking.commands.base import Command


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
