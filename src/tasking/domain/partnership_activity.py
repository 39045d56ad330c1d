"""Partnership activities (nights of action, EVAs, PACT meetings, ...) and the named PACT panels.

An activity is one attributed fact: its kind, day, areas, lead and partner agencies, attendance
where counted, outcome, and the cases, repeat flags and Task and Finish groups it answered. Links
are references only. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import year_record_id

KINDS = ("night-of-action", "eva", "community-event", "pact-meeting", "training", "operation", "campaign")


class PartnershipActivity(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Recorded: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return year_record_id("activities", reference)

    @event("Recorded")
    def __init__(
        self,
        reference: str,
        kind: str,
        day: str,
        areas: list[str],
        lead: str,
        partners: list[str],
        attendance: int | None,
        outcome: str,
        cases: list[str],
        flags: list[str],
        groups: list[str],
        panel: str | None,
        actions: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.kind = kind


class PactPanel(Aggregate):
    """A named PACT (Partners and Communities Together) panel: its meetings are `pact-meeting` activities."""

    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        SetUp: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return year_record_id("pact-panels", reference)

    @event("SetUp")
    def __init__(self, reference: str, name: str, area: str, user: str, agency: str, at: dt.datetime) -> None:
        self.reference = reference
        self.name = name
        self.set_up_at = at
