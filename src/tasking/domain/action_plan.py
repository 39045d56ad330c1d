"""An action of the Community Safety Strategy Action Plan: one year's priority, a lead agency,
a due date and a status. Never rename these classes or their events.

Statuses: `planned` (on adding), `on-track`, `achieved`, `not-achieved`, `dropped` (with a reason).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import year_record_id

STATUSES = ("planned", "on-track", "achieved", "not-achieved", "dropped")


class PlanAction(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Added: ClassVar[type[Aggregate.Created]]
        Updated: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return year_record_id("plan-actions", reference)

    @event("Added")
    def __init__(
        self,
        reference: str,
        year: int,
        priority: str,
        action: str,
        lead: str,
        due: str,
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.year = year
        self.added_at = at
        self.status = "planned"

    def update(self, user: str, agency: str, at: dt.datetime, status: str, reason: str | None) -> None:
        if status not in STATUSES:
            raise DomainError("status", f"unknown status {status!r}; known: {', '.join(STATUSES)}")
        if status == "dropped" and not reason:
            raise DomainError("reason", "a dropped action needs --reason")
        if status == self.status:
            raise DomainError("status", f"{self.reference} is already {status}")
        if at < self.added_at:
            raise DomainError(
                "at", f"{at.isoformat()} is before {self.reference} was added ({self.added_at.isoformat()})"
            )
        self._updated(user=user, agency=agency, at=at, status=status, reason=reason)

    @event("Updated")
    def _updated(self, user: str, agency: str, at: dt.datetime, status: str, reason: str | None) -> None:
        self.status = status
