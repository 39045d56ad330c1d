"""A grant received by the partnership (funder, amount, financial year), its allocations to
projects by organisation and half-year, and the spend recorded against them. Amounts are whole
pence. The table reconciles by construction: an allocation beyond what is left of its grant, or
spend beyond its allocation, is refused. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import year_record_id

HALVES = ("first", "second")


def pounds(pence: int) -> str:
    """Whole pence as pounds with two decimals, exactly: 3110700 -> `31107.00`."""
    whole, part = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{whole}.{part:02d}"


def money(pence: int) -> str:
    """For people: `£31,107.00`."""
    return f"£{pence / 100:,.2f}"


class Grant(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Received: ClassVar[type[Aggregate.Created]]
        Allocated: ClassVar[type[Aggregate.Event]]
        Spent: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return year_record_id("grants", reference)

    @event("Received")
    def __init__(
        self,
        reference: str,
        funder: str,
        amount: int,
        year: int,
        note: str | None,
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.amount = amount
        self.allocations: dict[str, dict[str, Any]] = {}

    @property
    def allocated(self) -> int:
        return sum(found["amount"] for found in self.allocations.values())

    def allocate(
        self, user: str, agency: str, at: dt.datetime, organisation: str, project: str, half: str, amount: int
    ) -> str:
        if half not in HALVES:
            raise DomainError("half", f"unknown half-year {half!r}; known: {', '.join(HALVES)}")
        left = self.amount - self.allocated
        if amount > left:
            raise DomainError(
                "amount",
                f"{money(amount)} exceeds what is left of {self.reference} ({money(left)} of {money(self.amount)})",
            )
        number = f"F{len(self.allocations) + 1}"
        self._allocated(
            user=user,
            agency=agency,
            at=at,
            allocation=number,
            organisation=organisation,
            project=project,
            half=half,
            amount=amount,
        )
        return number

    def spend(self, user: str, agency: str, at: dt.datetime, allocation: str, amount: int, note: str | None) -> None:
        if allocation not in self.allocations:
            known = ", ".join(self.allocations) or "none"
            raise DomainError("allocation", f"{self.reference} has no allocation {allocation!r} (allocations: {known})")
        found = self.allocations[allocation]
        if found["spent"] + amount > found["amount"]:
            raise DomainError(
                "amount",
                f"{money(amount)} would take {allocation} beyond its allocation "
                f"({money(found['amount'] - found['spent'])} left)",
            )
        self._spent(user=user, agency=agency, at=at, allocation=allocation, amount=amount, note=note)

    @event("Allocated")
    def _allocated(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        allocation: str,
        organisation: str,
        project: str,
        half: str,
        amount: int,
    ) -> None:
        self.allocations[allocation] = {"amount": amount, "spent": 0}

    @event("Spent")
    def _spent(self, user: str, agency: str, at: dt.datetime, allocation: str, amount: int, note: str | None) -> None:
        self.allocations[allocation]["spent"] += amount
