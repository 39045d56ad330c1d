"""A report that came in through Open311 GeoReport v2 (FixMyStreet), by its idempotency key.

The id is derived from the key (`fixmystreet:123` or `request:ID`), and the request is saved in the
same transaction as its case: the same report sent twice, even at once, makes one case.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate, event


def open311_request_id(key: str) -> Any:
    return uuid5(NAMESPACE_URL, f"/open311/requests/{key}")


class Open311Request(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Open311RequestReceived: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(key: str, **_: Any) -> object:
        return open311_request_id(key)

    @event("Open311RequestReceived")
    def __init__(self, key: str, case: str, service_code: str, user: str, agency: str, at: dt.datetime) -> None:
        self.key, self.case, self.service_code = key, case, service_code
