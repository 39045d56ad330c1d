"""A person record holds a resident's personal details, apart from the case history.

Cases refer to people only by reference, so that these details can later be encrypted
per person and erased without touching the statistics.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import person_id


class Person(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers

        class Added(Aggregate.Created):
            """Its fields are `__init__`'s arguments (`person find` reads the references back)."""

            reference: str
            name: str
            phone: str | None
            email: str | None
            address: str | None
            user: str
            agency: str
            at: dt.datetime

    @staticmethod
    def create_id(reference: str, **_: object) -> object:
        return person_id(reference)

    @event("Added")
    def __init__(
        self,
        reference: str,
        name: str,
        phone: str | None,
        email: str | None,
        address: str | None,
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.name = name
        self.phone = phone
        self.email = email
        self.address = address
