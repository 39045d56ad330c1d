"""A Task and Finish group: intensive partnership work on an area or on vulnerable people.

Set up when reports keep coming in through the daily tasking meeting. Its actions are taskings
owned by the group (`A1`, `A2`, ...), not by a case. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import group_id
from tasking.time.instants import LONDON, local_time


class TaskAndFinishGroup(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Opened: ClassVar[type[Aggregate.Created]]
        CaseAdded: ClassVar[type[Aggregate.Event]]
        ActionRaised: ClassVar[type[Aggregate.Event]]
        ActionCompleted: ClassVar[type[Aggregate.Event]]
        Met: ClassVar[type[Aggregate.Event]]
        Completed: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return group_id(reference)

    @event("Opened")
    def __init__(
        self,
        reference: str,
        focus: str,
        area: str,
        cases: list[str],
        reason: str,
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.reference = reference
        self.focus = focus
        self.area = area
        self.cases = list(cases)
        self.reason = reason
        self.opened_at = at
        self.actions: dict[str, dict[str, Any]] = {}
        self.meetings = 0
        self.completed_at: dt.datetime | None = None
        self.outcome: str | None = None

    # --- guards -------------------------------------------------------------------------

    def check_open(self, command: str) -> None:
        if self.completed_at is not None:
            raise DomainError("group", f"{self.reference} is completed; '{command}' is refused")

    def check_not_before_opened(self, at: dt.datetime) -> None:
        if at < self.opened_at:
            raise DomainError(
                "at", f"{local_time(at)} is before {self.reference} was opened ({local_time(self.opened_at)})"
            )

    def check_action_open(self, action: str) -> dict[str, Any]:
        if action not in self.actions:
            known = ", ".join(self.actions) or "none"
            raise DomainError("action", f"{self.reference} has no action {action!r} (actions: {known})")
        if self.actions[action]["status"] != "open":
            raise DomainError("action", f"{self.reference} {action} is already completed")
        return self.actions[action]

    # --- decisions ------------------------------------------------------------------------

    def add_case(self, user: str, agency: str, at: dt.datetime, case: str) -> None:
        self.check_open("add-case")
        self.check_not_before_opened(at)
        if case in self.cases:
            raise DomainError("case", f"{case} is already in {self.reference}")
        self._case_added(user=user, agency=agency, at=at, case=case)

    def raise_action(self, user: str, agency: str, at: dt.datetime, to_agency: str, action: str, due: dt.date) -> str:
        self.check_open("action")
        self.check_not_before_opened(at)
        if due < at.astimezone(LONDON).date():
            raise DomainError(
                "due", f"{due.isoformat()} is before the action was raised ({at.astimezone(LONDON).date()})"
            )
        number = f"A{len(self.actions) + 1}"
        self._action_raised(
            user=user, agency=agency, at=at, action_ref=number, to_agency=to_agency, action=action, due=due.isoformat()
        )
        return number

    def complete_action(self, user: str, agency: str, at: dt.datetime, action: str, result: str) -> None:
        self.check_open("complete-action")
        found = self.check_action_open(action)
        if at < found["raised_at"]:
            raise DomainError(
                "at", f"{action} cannot be completed before it was raised ({local_time(found['raised_at'])})"
            )
        self._action_completed(user=user, agency=agency, at=at, action_ref=action, result=result)

    def meet(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        self.check_open("meet")
        self.check_not_before_opened(at)
        self._met(user=user, agency=agency, at=at, note=note)

    def complete(self, user: str, agency: str, at: dt.datetime, outcome: str) -> None:
        self.check_open("complete")
        self.check_not_before_opened(at)
        self._completed(user=user, agency=agency, at=at, outcome=outcome)

    # --- events ---------------------------------------------------------------------------

    @event("CaseAdded")
    def _case_added(self, user: str, agency: str, at: dt.datetime, case: str) -> None:
        self.cases.append(case)

    @event("ActionRaised")
    def _action_raised(
        self, user: str, agency: str, at: dt.datetime, action_ref: str, to_agency: str, action: str, due: str
    ) -> None:
        self.actions[action_ref] = {
            "agency": to_agency,
            "action": action,
            "due": due,
            "raised_at": at,
            "status": "open",
        }

    @event("ActionCompleted")
    def _action_completed(self, user: str, agency: str, at: dt.datetime, action_ref: str, result: str) -> None:
        self.actions[action_ref].update(status="completed", result=result)

    @event("Met")
    def _met(self, user: str, agency: str, at: dt.datetime, note: str) -> None:
        self.meetings += 1

    @event("Completed")
    def _completed(self, user: str, agency: str, at: dt.datetime, outcome: str) -> None:
        self.completed_at = at
        self.outcome = outcome
