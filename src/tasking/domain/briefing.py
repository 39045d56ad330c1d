"""A briefing pack issued for one tasking meeting: exactly what the meeting was given.

Its id is derived from the meeting day, so a pack is issued once, whichever process tries.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import briefing_id


class Briefing(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        BriefingIssued: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(meeting_day: str, **_: Any) -> object:
        return briefing_id(meeting_day)

    @event("BriefingIssued")
    def __init__(
        self,
        meeting_day: str,
        meeting: dt.datetime,
        window_from: dt.datetime,
        window_to: dt.datetime,
        new_reports: list[str],
        due_taskings: list[str],
        feedback_owed: list[str],
        repeat_flags: list[str],
        digest: str,
        files: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.meeting_day = meeting_day
        self.meeting = meeting
        self.window_from = window_from
        self.window_to = window_to
