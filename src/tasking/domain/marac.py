"""A Community MARAC meeting: medium- and high-risk victims, offenders and problem locations.

Held monthly. Its id comes from its day, so a meeting is scheduled once. Each case discussed
records the outcome, the actions raised (as taskings on the case) and whether the case stays
under review or is discharged. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import marac_meeting_id
from tasking.time.instants import local_date


class MaracMeeting(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Scheduled: ClassVar[type[Aggregate.Created]]
        Discussed: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(meeting_day: str, **_: Any) -> object:
        return marac_meeting_id(meeting_day)

    @event("Scheduled")
    def __init__(self, meeting_day: str, user: str, agency: str, at: dt.datetime) -> None:
        self.meeting_day = meeting_day
        self.meeting_at = at
        self.discussed: list[str] = []

    def discuss(
        self,
        user: str,
        agency: str,
        case: str,
        outcome: str,
        taskings: list[str],
        review_at: dt.date | None,
        discharged: bool,
    ) -> None:
        if case in self.discussed:
            raise DomainError("case", f"{case} was already discussed at the meeting of {self.meeting_day}")
        if review_at is not None and discharged:
            raise DomainError("review-at", "give either --review-at DATE or --discharge, not both")
        if review_at is not None and review_at <= local_date(self.meeting_at):
            raise DomainError("review-at", f"{review_at.isoformat()} is not after the meeting ({self.meeting_day})")
        self._discussed(
            user=user,
            agency=agency,
            at=self.meeting_at,
            case=case,
            outcome=outcome,
            taskings=taskings,
            review_at=review_at.isoformat() if review_at else None,
            discharged=discharged,
        )

    @event("Discussed")
    def _discussed(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        case: str,
        outcome: str,
        taskings: list[str],
        review_at: str | None,
        discharged: bool,
    ) -> None:
        self.discussed.append(case)
