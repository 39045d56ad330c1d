"""A repeat flag answered: the coordinator records that it was dealt with, and on which cases.

A flag's reference (`P-…` for a person, `L-…` for a location) is derived from its rule and its
key, so it is stable from one briefing to the next. An acknowledged flag stays quiet until a
report that was not among the acknowledged cases joins it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import repeat_flag_id


def flag_reference(rule: str, key: str) -> str:
    """`person` + `PER-00001` -> `P-…`; `location` + `Swanley|azalea shops` -> `L-…` (8 hex digits)."""
    digest = hashlib.sha256(f"{rule}|{key}".encode()).hexdigest()[:8].upper()
    return f"{rule[:1].upper()}-{digest}"


class RepeatFlag(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Acknowledged: ClassVar[type[Aggregate.Created]]
        AcknowledgedAgain: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(flag: str, **_: Any) -> object:
        return repeat_flag_id(flag)

    @event("Acknowledged")
    def __init__(self, flag: str, cases: list[str], note: str, user: str, agency: str, at: dt.datetime) -> None:
        self.flag = flag
        self.cases = list(cases)

    def check_new_cases(self, cases: list[str]) -> None:
        if set(cases) <= set(self.cases):
            raise DomainError("flag", f"{self.flag} is already acknowledged for {', '.join(sorted(cases))}")

    def acknowledge(self, cases: list[str], note: str, user: str, agency: str, at: dt.datetime) -> None:
        self.check_new_cases(cases)
        self._acknowledged_again(flag=self.flag, cases=list(cases), note=note, user=user, agency=agency, at=at)

    @event("AcknowledgedAgain")
    def _acknowledged_again(
        self, flag: str, cases: list[str], note: str, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.cases = list(cases)
