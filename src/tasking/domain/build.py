"""A build: a bulk command (the demo, a store copy) that fills a store in many transactions.

It records when it started and, in its last transaction, that it finished. A store that holds a
build started but not finished was interrupted: the reads say so, and the demo can resume it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import build_id


class Build(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers

        class Started(Aggregate.Created):
            """Its fields are `__init__`'s arguments (read back by `unfinished_builds`)."""

            name: str
            command: str
            detail: dict[str, Any]
            user: str
            agency: str | None  # None: the scheduler's `system`, of no agency
            at: dt.datetime

        Finished: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(name: str, **_: Any) -> object:
        return build_id(name)

    @event("Started")
    def __init__(
        self, name: str, command: str, detail: dict[str, Any], user: str, agency: str | None, at: dt.datetime
    ) -> None:
        self.name = name
        self.command = command
        self.detail = detail
        self.finished = False

    @event("Finished")
    def finish(self, user: str, agency: str | None, at: dt.datetime) -> None:
        self.finished = True
