"""One email from the outbox: queued, claimed by a sender, then sent, failed (to retry) or dropped.

Its id is derived from the key of the event that asked for it (`tasking:CSU-2018-00001:T1:raised`),
so every sender that tries it saves to the same aggregate: two senders claiming it at once write
the same version, and the store refuses the second (optimistic concurrency). A claim is recorded
*before* the message goes to the SMTP server and `Sent` only after the server accepted it. A claim
with no outcome (the sender died in between) is never resent by itself: see `tasking.notify`.

The events carry references and outcomes only, never an address: the address is read from the
configuration (an agency) or the person record (a resident) at send time.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError


def notification_id(key: str) -> Any:
    return uuid5(NAMESPACE_URL, f"/notifications/{key}")


class Notification(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        NotificationQueued: ClassVar[type[Aggregate.Created]]
        NotificationClaimed: ClassVar[type[Aggregate.Event]]
        NotificationSent: ClassVar[type[Aggregate.Event]]
        NotificationFailed: ClassVar[type[Aggregate.Event]]
        NotificationDropped: ClassVar[type[Aggregate.Event]]
        NotificationReleased: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(key: str, **_: Any) -> object:
        return notification_id(key)

    @event("NotificationQueued")
    def __init__(
        self,
        key: str,
        kind: str,
        case: str,
        agency_to: str | None,
        person: str | None,
        note: str | None,
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.key, self.kind, self.case = key, kind, case
        self.agency_to, self.person, self.note = agency_to, person, note
        self.status = "queued"  # queued | claimed | sent | failed | dropped
        self.attempts = 0
        self.retry_at: dt.datetime | None = None

    def check_claimable(self, now: dt.datetime) -> None:
        if self.status in ("sent", "dropped"):
            raise DomainError("notification", f"{self.key} is already {self.status}")
        if self.status == "claimed":
            raise DomainError("notification", f"{self.key} was handed to a sender whose outcome is unknown")
        if self.retry_at is not None and now < self.retry_at:
            raise DomainError("notification", f"{self.key} is not due for a retry until {self.retry_at.isoformat()}")

    def claim(self, by: str, at: dt.datetime) -> None:
        self.check_claimable(at)
        self._claimed(by=by, at=at, attempt=self.attempts + 1)

    def sent(self, message_id: str, at: dt.datetime) -> None:
        self._sent(message_id=message_id, at=at)

    def failed(self, error: str, at: dt.datetime, retry_at: dt.datetime) -> None:
        self._failed(error=error, at=at, retry_at=retry_at)

    def drop(self, reason: str, at: dt.datetime) -> None:
        self._dropped(reason=reason, at=at)

    def release(self, user: str, at: dt.datetime) -> None:
        """A person checked with the relay that a claimed message never left: it may be sent again."""
        if self.status != "claimed":
            raise DomainError("key", f"{self.key} is {self.status}, not claimed with an unknown outcome")
        self._released(user=user, at=at)

    @event("NotificationClaimed")
    def _claimed(self, by: str, at: dt.datetime, attempt: int) -> None:
        self.status, self.attempts = "claimed", attempt

    @event("NotificationSent")
    def _sent(self, message_id: str, at: dt.datetime) -> None:
        self.status = "sent"

    @event("NotificationFailed")
    def _failed(self, error: str, at: dt.datetime, retry_at: dt.datetime) -> None:
        self.status, self.retry_at = "failed", retry_at

    @event("NotificationDropped")
    def _dropped(self, reason: str, at: dt.datetime) -> None:
        self.status = "dropped"

    @event("NotificationReleased")
    def _released(self, user: str, at: dt.datetime) -> None:
        self.status = "failed"
