"""A case: one reported problem and everything the partnership did about it.

Each `@event` method *is* an event. Guards (`check_*`) run first; the aggregate never reads
the clock: every effective time (`at`) is passed in. Attribution (`user`, `agency`) is on
every event. Never rename these classes or their events: their topics are in the log.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.case_state import KIND_OF, CaseState, fact_of, step
from tasking.errors import DomainError
from tasking.domain.ids import case_id
from tasking.time.instants import LONDON, local_time

# Commands that may still be recorded on a closed case.
ALLOWED_WHEN_CLOSED = ("reopen", "update-reporter", "correct")


class Case(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Linked: ClassVar[type[Case.Event]]
        TaskingRaised: ClassVar[type[Case.Event]]
        TaskingReassigned: ClassVar[type[Case.Event]]
        TaskingCompleted: ClassVar[type[Case.Event]]
        FollowUpMade: ClassVar[type[Case.Event]]
        ReporterUpdated: ClassVar[type[Case.Event]]
        PowerUsed: ClassVar[type[Case.Event]]
        Referred: ClassVar[type[Case.Event]]
        RiskAssessed: ClassVar[type[Case.Event]]
        RiskReviewed: ClassVar[type[Case.Event]]
        Corrected: ClassVar[type[Case.Event]]
        Closed: ClassVar[type[Case.Event]]
        PublicNoteShared: ClassVar[type[Case.Event]]
        Reopened: ClassVar[type[Case.Event]]
        LeadAssigned: ClassVar[type[Case.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return case_id(reference)

    class Reported(Aggregate.Created):
        """A report received. Version 2 added the optional coordinates `lat` and `lon` (WGS84)."""

        class_version = 2
        reference: str
        user: str
        agency: str
        at: dt.datetime
        occurred_at: dt.datetime
        source: str
        channel: str
        category: str
        area: str
        location: str
        reporter: str | None
        victim: str | None
        feedback: str
        risk: str
        summary: str
        lat: float | None = None
        lon: float | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Reports recorded before coordinates existed have none."""
            state["lat"] = None
            state["lon"] = None

        def apply(self, aggregate: Any) -> None:
            aggregate.state = step(None, fact_of(self))

    class Event(Aggregate.Event):
        """Every later event on a case: its change to the state is the one fold's step."""

        def apply(self, aggregate: Any) -> None:
            if type(self).__name__ in KIND_OF:  # a public note changes nothing the state holds
                aggregate.state = step(aggregate.state, fact_of(self))

    @event(Reported)
    def __init__(
        self,
        reference: str,
        user: str,
        agency: str,
        at: dt.datetime,
        occurred_at: dt.datetime,
        source: str,
        channel: str,
        category: str,
        area: str,
        location: str,
        reporter: str | None,
        victim: str | None,
        feedback: str,
        risk: str,
        summary: str,
        lat: float | None = None,
        lon: float | None = None,
    ) -> None:
        """The state is the one fold's (`tasking.domain.case_state`): `Reported.apply` starts it."""

    # --- the state: the one fold of this case's events, read through the names the guards use --------

    def _when(self, value: str | None) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))

    state: CaseState  # set by every event's `apply`
    reference = property(lambda self: self.state.reference)
    source = property(lambda self: self.state.source)
    channel = property(lambda self: self.state.channel)
    category = property(lambda self: self.state.category)
    area = property(lambda self: self.state.area)
    location = property(lambda self: self.state.location)
    reporter = property(lambda self: self.state.reporter)
    victim = property(lambda self: self.state.victim)
    feedback = property(lambda self: self.state.feedback)
    risk = property(lambda self: self.state.risk)
    summary = property(lambda self: self.state.summary)
    lat = property(lambda self: self.state.lat)
    lon = property(lambda self: self.state.lon)
    status = property(lambda self: self.state.status)
    closed_reason = property(lambda self: self.state.closed_reason)
    lead = property(lambda self: self.state.lead)
    received_at = property(lambda self: self._when(self.state.received_at))
    occurred_at = property(lambda self: self._when(self.state.occurred_at))
    closed_at = property(lambda self: self._when(self.state.closed_at))

    @property
    def links(self) -> list[dict[str, str]]:
        return [dict(link) for link in self.state.links]

    @property
    def taskings(self) -> dict[str, dict[str, Any]]:
        return {
            ref: {
                "agency": t.tasked_agency,
                "owner": t.owner,
                "action": t.action,
                "due": t.due,
                "raised_at": self._when(t.raised_at),
                "status": t.status,
                "result": t.result,
            }
            for ref, t in self.state.taskings.items()
        }

    # --- guards -------------------------------------------------------------------------

    def check_open(self, command: str) -> None:
        if self.status == "closed" and command not in ALLOWED_WHEN_CLOSED:
            raise DomainError("case", f"{self.reference} is closed; reopen it before '{command}'")

    def check_tasking(self, tasking: str) -> dict[str, Any]:
        if tasking not in self.taskings:
            known = ", ".join(self.taskings) or "none"
            raise DomainError("tasking", f"{self.reference} has no tasking {tasking!r} (taskings: {known})")
        return self.taskings[tasking]

    def check_tasking_open(self, tasking: str) -> dict[str, Any]:
        found = self.check_tasking(tasking)
        if found["status"] != "open":
            raise DomainError("tasking", f"{self.reference} {tasking} is already completed")
        return found

    def check_not_before_received(self, at: dt.datetime, field: str = "at") -> None:
        if at < self.received_at:
            raise DomainError(
                field, f"{local_time(at)} is before {self.reference} was received ({local_time(self.received_at)})"
            )

    def check_can_link(self, to: str) -> None:
        if to == self.reference:
            raise DomainError("to", "a case cannot be linked to itself")
        if any(existing["to"] == to for existing in self.links):
            raise DomainError("to", f"{self.reference} is already linked to {to}")

    # --- decisions ------------------------------------------------------------------------

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
        if due < at.astimezone(LONDON).date():
            raise DomainError(
                "due", f"{due.isoformat()} is before the tasking was raised ({at.astimezone(LONDON).date()})"
            )
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
        found = self.check_tasking_open(tasking)
        if at < found["raised_at"]:
            raise DomainError(
                "at", f"{tasking} cannot be reassigned before it was raised ({local_time(found['raised_at'])})"
            )
        self._tasking_reassigned(
            user=user, agency=agency, at=at, tasking=tasking, to_agency=to_agency or found["agency"], owner=owner
        )

    def complete(self, user: str, agency: str, at: dt.datetime, tasking: str, result: str) -> None:
        self.check_open("complete")
        self.check_not_before_received(at)
        found = self.check_tasking_open(tasking)
        if at < found["raised_at"]:
            raise DomainError(
                "at", f"{tasking} cannot be completed before it was raised ({local_time(found['raised_at'])})"
            )
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
        if field == "occurred" and dt.datetime.fromisoformat(value.replace("Z", "+00:00")) > self.received_at:
            raise DomainError(
                "value",
                f"the behaviour cannot have occurred after the report was received ({local_time(self.received_at)})",
            )
        self._corrected(user=user, agency=agency, at=at, field=field, value=value, reason=reason)

    def open_taskings(self) -> list[str]:
        return [ref for ref, found in self.taskings.items() if found["status"] == "open"]

    def check_no_open_taskings(self) -> None:
        stranded = self.open_taskings()
        if stranded:
            named = ", ".join(f"{ref} ({self.taskings[ref]['agency']})" for ref in stranded)
            raise DomainError(
                "case",
                f"{self.reference} has open taskings: {named}; complete them first, "
                "or close with --complete-taskings RESULT",
            )

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
        if lead == self.lead:
            raise DomainError("lead", f"{lead} is already the lead officer of {self.reference}")
        self._lead_assigned(user=user, agency=agency, at=at, lead=lead)

    def reopen(self, user: str, agency: str, at: dt.datetime, reason: str) -> None:
        if self.status != "closed":
            raise DomainError("case", f"{self.reference} is not closed")
        self.check_not_before_received(at)
        closed_at = getattr(self, "closed_at", None)
        if closed_at is not None and at < closed_at:
            raise DomainError("at", f"{local_time(at)} is before {self.reference} was closed ({local_time(closed_at)})")
        self._reopened(user=user, agency=agency, at=at, reason=reason)

    # --- events ---------------------------------------------------------------------------

    @event("Linked")
    def _linked(self, user: str, agency: str, at: dt.datetime, to: str, reason: str) -> None:
        pass

    @event("TaskingRaised")
    def _tasking_raised(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        tasking: str,
        to_agency: str,
        owner: str | None,
        action: str,
        due: str,
    ) -> None:
        pass

    @event("TaskingReassigned")
    def _tasking_reassigned(
        self, user: str, agency: str, at: dt.datetime, tasking: str, to_agency: str, owner: str | None
    ) -> None:
        pass

    @event("TaskingCompleted")
    def _tasking_completed(self, user: str, agency: str, at: dt.datetime, tasking: str, result: str) -> None:
        pass

    @event("FollowUpMade")
    def _follow_up_made(self, user: str, agency: str, at: dt.datetime, kind: str, outcome: str) -> None:
        pass

    @event("ReporterUpdated")
    def _reporter_updated(self, user: str, agency: str, at: dt.datetime, channel: str, note: str) -> None:
        pass

    @event("PowerUsed")
    def _power_used(self, user: str, agency: str, at: dt.datetime, power: str) -> None:
        pass

    @event("Referred")
    def _referred(self, user: str, agency: str, at: dt.datetime, target: str) -> None:
        pass

    @event("RiskAssessed")
    def _risk_assessed(self, user: str, agency: str, at: dt.datetime, level: str, reason: str) -> None:
        pass

    @event("RiskReviewed")
    def _risk_reviewed(self, user: str, agency: str, at: dt.datetime, level: str, note: str) -> None:
        pass

    @event("Corrected")
    def _corrected(self, user: str, agency: str, at: dt.datetime, field: str, value: str, reason: str) -> None:
        pass

    @event("Closed")
    def _closed(self, user: str, agency: str, at: dt.datetime, reason: str, note: str | None) -> None:
        pass

    @event("PublicNoteShared")
    def _public_note_shared(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        pass

    @event("Reopened")
    def _reopened(self, user: str, agency: str, at: dt.datetime, reason: str) -> None:
        pass

    @event("LeadAssigned")
    def _lead_assigned(self, user: str, agency: str, at: dt.datetime, lead: str) -> None:
        pass
