"""Gapless, unique reference numbers. Two writers that take the same number conflict and retry."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import sequence_id


class Sequence(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Started: ClassVar[type[Aggregate.Created]]
        Allocated: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(name: str) -> object:
        return sequence_id(name)

    @event("Started")
    def __init__(self, name: str) -> None:
        self.name = name
        self.last = 0

    def next(self) -> int:
        self._allocated(number=self.last + 1)
        return self.last

    @event("Allocated")
    def _allocated(self, number: int) -> None:
        self.last = number
