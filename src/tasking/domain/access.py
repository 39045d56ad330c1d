"""Who was refused, and who read which cases: facts of their own, never events on a case.

Each refused attempt and each read of case details is one new aggregate (a random id), so
recording one never conflicts with a writer, and the case's own history is untouched. Both are
append-only events in the store, covered by the store's verifiable log like every other event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate, event


class AccessRefusal(Aggregate):
    """A refused attempt: who (user, role, agency), what (the action), which case, when, and the rule."""

    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Recorded: ClassVar[type[Aggregate.Created]]

    @event("Recorded")
    def __init__(
        self, action: str, case: str | None, role: str, rule: str, user: str, agency: str | None, at: dt.datetime
    ) -> None:
        self.action = action
        self.case = case
        self.role = role
        self.rule = rule


class CaseAccess(Aggregate):
    """One read of case details (`show`, `audit`, a briefing's detail): who, which cases, what, when."""

    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Recorded: ClassVar[type[Aggregate.Created]]

    @event("Recorded")
    def __init__(
        self, action: str, cases: list[str], what: str, user: str, agency: str | None, at: dt.datetime
    ) -> None:
        self.action = action
        self.cases = cases
        self.what = what
