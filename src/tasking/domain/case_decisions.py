"""The case's decisions: each runs its guards (`CaseGuards`), then records its event through one of
the `@event` methods of `tasking.domain.case.Case`, where the events (and their stored topics) live.
No clock and no I/O: every effective time (`at`) is passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from tasking.domain.case_guards import CaseGuards
from tasking.errors import DomainError


class CaseDecisions(CaseGuards):
    """Mixed into `tasking.domain.case.Case`, which defines the event methods named below."""

    if TYPE_CHECKING:  # the `@event` methods of `Case`
        _linked: Callable[..., None]
        _tasking_raised: Callable[..., None]
        _tasking_reassigned: Callable[..., None]
        _tasking_completed: Callable[..., None]
        _follow_up_made: Callable[..., None]
        _reporter_updated: Callable[..., None]
        _power_used: Callable[..., None]
        _referred: Callable[..., None]
        _risk_assessed: Callable[..., None]
        _risk_reviewed: Callable[..., None]
        _corrected: Callable[..., None]
        _closed: Callable[..., None]
        _public_note_shared: Callable[..., None]
        _reopened: Callable[..., None]
        _lead_assigned: Callable[..., None]

    def link(self, user: str, agency: str, at: dt.datetime, to: str, reason: str) -> None:
        self.check_open("link")
        self.check_not_before_received(at)
        self.check_can_link(to)
        self._linked(user=user, agency=agency, at=at, to=to, reason=reason)

    def raise_tasking(
        self, user: str, agency: str, at: dt.datetime, to_agency: str, owner: str | None, action: str, due: dt.date
    ) -> str:
        self.check_open("task")
        self.check_not_before_received(at)
        self.check_due(at, due)
        tasking = f"T{len(self.taskings) + 1}"
        self._tasking_raised(
            user=user,
            agency=agency,
            at=at,
            tasking=tasking,
            to_agency=to_agency,
            owner=owner,
            action=action,
            due=due.isoformat(),
        )
        return tasking

    def reassign(
        self, user: str, agency: str, at: dt.datetime, tasking: str, to_agency: str | None, owner: str | None
    ) -> None:
        """To another agency, or (`to_agency` None) to another owner in the agency it is tasked to now."""
        self.check_open("reassign")
        self.check_not_before_received(at)
        found = self.check_not_before_raised(at, tasking, "reassigned")
        self._tasking_reassigned(
            user=user, agency=agency, at=at, tasking=tasking, to_agency=to_agency or found["agency"], owner=owner
        )

    def complete(self, user: str, agency: str, at: dt.datetime, tasking: str, result: str) -> None:
        self.check_open("complete")
        self.check_not_before_received(at)
        self.check_not_before_raised(at, tasking, "completed")
        self._tasking_completed(user=user, agency=agency, at=at, tasking=tasking, result=result)

    def follow_up(self, user: str, agency: str, at: dt.datetime, kind: str, outcome: str) -> None:
        self.check_open("follow-up")
        self.check_not_before_received(at)
        self._follow_up_made(user=user, agency=agency, at=at, kind=kind, outcome=outcome)

    def update_reporter(self, user: str, agency: str, at: dt.datetime, channel: str, note: str) -> None:
        self.check_open("update-reporter")
        self.check_not_before_received(at)
        if self.feedback == "anonymous":
            raise DomainError("case", f"{self.reference} was reported anonymously: there is no reporter to update")
        self._reporter_updated(user=user, agency=agency, at=at, channel=channel, note=note)

    def use_power(self, user: str, agency: str, at: dt.datetime, power: str) -> None:
        self.check_open("power")
        self.check_not_before_received(at)
        self._power_used(user=user, agency=agency, at=at, power=power)

    def refer(self, user: str, agency: str, at: dt.datetime, target: str) -> None:
        self.check_open("refer")
        self.check_not_before_received(at)
        self._referred(user=user, agency=agency, at=at, target=target)

    def assess_risk(self, user: str, agency: str, at: dt.datetime, level: str, reason: str) -> None:
        self.check_open("risk")
        self.check_not_before_received(at)
        self._risk_assessed(user=user, agency=agency, at=at, level=level, reason=reason)

    def review_risk(self, user: str, agency: str, at: dt.datetime, level: str | None, note: str) -> None:
        """A periodic risk review (medium every 28 days, high every 14): the level stays unless given."""
        self.check_open("review")
        self.check_not_before_received(at)
        self._risk_reviewed(user=user, agency=agency, at=at, level=level or self.risk, note=note)

    def correct(self, user: str, agency: str, at: dt.datetime, field: str, value: str, reason: str) -> None:
        self.check_open("correct")
        self.check_not_before_received(at)
        self.check_occurred(field, value)
        self._corrected(user=user, agency=agency, at=at, field=field, value=value, reason=reason)

    def close(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        reason: str,
        note: str | None,
        complete_taskings: str | None = None,
        reporter_told: str | None = None,
    ) -> None:
        """Close; `complete_taskings` completes the open taskings first with that result, and
        `reporter_told` (an update channel) records that the reporter was told of the closure."""
        self.check_open("close")
        self.check_not_before_received(at)
        if complete_taskings is None:
            self.check_no_open_taskings()
        for tasking in self.open_taskings():
            self.complete(user, agency, at, tasking, complete_taskings or "")
        self._closed(user=user, agency=agency, at=at, reason=reason, note=note)
        if reporter_told is not None:
            self.update_reporter(user, agency, at, reporter_told, note or f"Told the case is closed ({reason})")

    def share_public_note(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        """The words the officer chose to share with the public (Open311's update), for the last
        reporter update or closure just recorded (issue 23)."""
        self._public_note_shared(user=user, agency=agency, at=at, note=note)

    def assign_lead(self, user: str, agency: str, at: dt.datetime, lead: str) -> None:
        self.check_open("assign")
        self.check_not_before_received(at)
        self.check_new_lead(lead)
        self._lead_assigned(user=user, agency=agency, at=at, lead=lead)

    def reopen(self, user: str, agency: str, at: dt.datetime, reason: str) -> None:
        self.check_reopenable(at)
        self._reopened(user=user, agency=agency, at=at, reason=reason)
