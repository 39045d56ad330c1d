"""A case: one reported problem and everything the partnership did about it.

This module holds the aggregate and its stored events: each `@event` method *is* an event, and
attribution (`user`, `agency`) is on every one. Never rename or move these classes or their events:
their topics (`tasking.domain.case:Case.Linked`, ...) are in the log. The decisions
(`tasking.domain.case_decisions`) run their guards (`tasking.domain.case_guards`, `check_*`) first,
then call these event methods; the aggregate never reads the clock: every effective time (`at`) is
passed in. Its state is the one fold's (`tasking.domain.case_state`), read through
`tasking.domain.case_reading`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.case_decisions import CaseDecisions
from tasking.domain.case_state import KIND_OF, fact_of, step
from tasking.domain.ids import case_id


class Case(CaseDecisions, Aggregate):
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
