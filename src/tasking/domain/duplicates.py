"""A pair of reports suggested as one incident and dismissed by a person: never suggested again.

Confirming a pair is a `same-incident` link on the cases themselves; dismissing it is this fact,
keyed by the pair (in either order), so a second dismissal is refused whichever process tries.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import duplicate_pair_id


class DuplicateDismissal(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Dismissed: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(case: str, other: str, **_: Any) -> object:
        return duplicate_pair_id(case, other)

    @event("Dismissed")
    def __init__(self, case: str, other: str, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.case = case
        self.other = other
        self.reason = reason
