"""A case: one reported problem and everything the partnership did about it.

Each `@event` method *is* an event. Guards (`check_*`) run first; the aggregate never reads
the clock: every effective time (`at`) is passed in. Attribution (`user`, `agency`) is on
every event. Never rename these classes or their events: their topics are in the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import case_id
from tasking.time.instants import LONDON, local_time

# Commands that may still be recorded on a closed case.
ALLOWED_WHEN_CLOSED = ("reopen", "update-reporter", "correct")


class Case(Aggregate):
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
        self.reference = reference
        self.received_at = at
        self.occurred_at = occurred_at
        self.source = source
        self.channel = channel
        self.category = category
        self.area = area
        self.location = location
        self.reporter = reporter
        self.victim = victim
        self.feedback = feedback
        self.risk = risk
        self.summary = summary
        self.lat = lat
        self.lon = lon
        self.status = "open"
        self.closed_reason: str | None = None
        self.closed_at: dt.datetime | None = None
        self.taskings: dict[str, dict[str, Any]] = {}
        self.links: list[dict[str, str]] = []
        self.lead: str | None = None

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
            raise DomainError(field, f"{local_time(at)} is before {self.reference} was received ({local_time(self.received_at)})")

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
            raise DomainError("due", f"{due.isoformat()} is before the tasking was raised ({at.astimezone(LONDON).date()})")
        tasking = f"T{len(self.taskings) + 1}"
        self._tasking_raised(
            user=user, agency=agency, at=at, tasking=tasking, to_agency=to_agency, owner=owner, action=action, due=due.isoformat()
        )
        return tasking

    def reassign(self, user: str, agency: str, at: dt.datetime, tasking: str, to_agency: str | None,
                 owner: str | None) -> None:
        """To another agency, or (`to_agency` None) to another owner in the agency it is tasked to now."""
        self.check_open("reassign")
        self.check_not_before_received(at)
        found = self.check_tasking_open(tasking)
        self._tasking_reassigned(user=user, agency=agency, at=at, tasking=tasking, to_agency=to_agency or found["agency"],
                                 owner=owner)

    def complete(self, user: str, agency: str, at: dt.datetime, tasking: str, result: str) -> None:
        self.check_open("complete")
        self.check_not_before_received(at)
        found = self.check_tasking_open(tasking)
        if at < found["raised_at"]:
            raise DomainError("at", f"{tasking} cannot be completed before it was raised ({local_time(found['raised_at'])})")
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
            raise DomainError("value", f"the behaviour cannot have occurred after the report was received ({local_time(self.received_at)})")
        self._corrected(user=user, agency=agency, at=at, field=field, value=value, reason=reason)

    def open_taskings(self) -> list[str]:
        return [ref for ref, found in self.taskings.items() if found["status"] == "open"]

    def check_no_open_taskings(self) -> None:
        stranded = self.open_taskings()
        if stranded:
            named = ", ".join(f"{ref} ({self.taskings[ref]['agency']})" for ref in stranded)
            raise DomainError("case", f"{self.reference} has open taskings: {named}; complete them first, "
                                      "or close with --complete-taskings RESULT")

    def close(self, user: str, agency: str, at: dt.datetime, reason: str, note: str | None,
              complete_taskings: str | None = None, reporter_told: str | None = None) -> None:
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
        self.links.append({"to": to, "reason": reason})

    @event("TaskingRaised")
    def _tasking_raised(
        self, user: str, agency: str, at: dt.datetime, tasking: str, to_agency: str, owner: str | None, action: str, due: str
    ) -> None:
        self.taskings[tasking] = {
            "agency": to_agency, "owner": owner, "action": action, "due": due, "raised_at": at, "status": "open",
        }

    @event("TaskingReassigned")
    def _tasking_reassigned(self, user: str, agency: str, at: dt.datetime, tasking: str, to_agency: str, owner: str | None) -> None:
        self.taskings[tasking].update(agency=to_agency, owner=owner)

    @event("TaskingCompleted")
    def _tasking_completed(self, user: str, agency: str, at: dt.datetime, tasking: str, result: str) -> None:
        self.taskings[tasking].update(status="completed", result=result)

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
        self.risk = level

    @event("RiskReviewed")
    def _risk_reviewed(self, user: str, agency: str, at: dt.datetime, level: str, note: str) -> None:
        self.risk = level

    @event("Corrected")
    def _corrected(self, user: str, agency: str, at: dt.datetime, field: str, value: str, reason: str) -> None:
        if field == "occurred":
            self.occurred_at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            setattr(self, field, value)

    @event("Closed")
    def _closed(self, user: str, agency: str, at: dt.datetime, reason: str, note: str | None) -> None:
        self.status = "closed"
        self.closed_reason = reason
        self.closed_at = at

    @event("PublicNoteShared")
    def _public_note_shared(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        pass

    @event("Reopened")
    def _reopened(self, user: str, agency: str, at: dt.datetime, reason: str) -> None:
        self.status = "open"
        self.closed_reason = None
        self.closed_at = None

    @event("LeadAssigned")
    def _lead_assigned(self, user: str, agency: str, at: dt.datetime, lead: str) -> None:
        self.lead = lead
