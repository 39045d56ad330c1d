"""Erasure by crypto-shredding, and the legal holds that block retention's erasures.

An `Erasure` records that a person's details (`person`) or a case's free text (`case`) were
destroyed, by destroying their key: who, when, why and under which rule (`request` for
`tasking person erase`, `retention` for `tasking retention run`). It names only references.
A `LegalHold` on a case keeps its free text and its people's details from retention while held.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import erasure_id, legal_hold_id


class Erasure(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Recorded: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(subject: str, reference: str, **_: Any) -> object:
        return erasure_id(subject, reference)

    @event("Recorded")
    def __init__(
        self, subject: str, reference: str, rule: str, reason: str, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.subject = subject
        self.reference = reference
        self.rule = rule
        self.reason = reason


class LegalHold(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Placed: ClassVar[type[Aggregate.Created]]
        PlacedAgain: ClassVar[type[Aggregate.Event]]
        Released: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(case: str, **_: Any) -> object:
        return legal_hold_id(case)

    @event("Placed")
    def __init__(self, case: str, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.case = case
        self.held = True

    def check_held(self, held: bool) -> None:
        if self.held != held:
            state = "already held" if self.held else "not held"
            raise DomainError("case", f"{self.case} is {state}")

    def place(self, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.check_held(False)
        self._placed_again(reason=reason, user=user, agency=agency, at=at)

    def release(self, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.check_held(True)
        self._released(reason=reason, user=user, agency=agency, at=at)

    @event("PlacedAgain")
    def _placed_again(self, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.held = True

    @event("Released")
    def _released(self, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.held = False
