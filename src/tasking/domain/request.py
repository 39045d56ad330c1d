"""A request: one write command sent under a caller's request id, with its digest and result.

Its id is derived from the request id and it is saved in the same transaction as the command's
events, so a second attempt with the same id conflicts (optimistic concurrency) and finds the
first one's record instead of writing again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import request_id


class Request(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Handled: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(key: str, **_: Any) -> object:
        return request_id(key)

    @event("Handled")
    def __init__(
        self, key: str, command: str, digest: str, result: dict[str, Any], user: str, agency: str, at: dt.datetime
    ) -> None:
        self.key = key
        self.command = command
        self.digest = digest
        self.result = result

    def check_same(self, command: str, digest: str) -> None:
        """A retry must be the same command with the same content as the first attempt."""
        if self.command != command:
            raise DomainError(
                "request-id",
                f"{self.key!r} was already used for another command ({self.command}); "
                "use a new request id for a new command",
            )
        if self.digest != digest:
            raise DomainError(
                "request-id",
                f"{self.key!r} was already used for this command with different content; "
                "use a new request id for a new command",
            )
