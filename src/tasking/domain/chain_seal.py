"""A seal of the hash chain, made on purpose (`tasking seal-chain`): who, when, why, and what `verify`
said before (`tasking.store.chain`).

Rows that have no link (a store written before the chain, or one whose links were deleted) are never
chained implicitly. An admin who has looked at them and accepts them as they stand seals the chain:
the event is written by the write that re-chains every row, in one transaction, so the seal is itself
the first thing the new chain covers after the rows it accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate, event


class ChainSeal(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Sealed: ClassVar[type[Aggregate.Created]]

    @event("Sealed")
    def __init__(
        self, reason: str, unsealed_from: int, last_position: int, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.reason = reason
        self.unsealed_from = unsealed_from  # the first position `verify` found with no link
        self.last_position = last_position  # the store's last position before the seal
