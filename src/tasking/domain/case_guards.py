"""The case's guards: each `check_*` raises a `DomainError` naming the field and the rule, before
`tasking.domain.case.Case` records anything. They read the state only (`CaseReading`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasking.domain.case_reading import CaseReading
from tasking.errors import DomainError
from tasking.time.instants import LONDON, local_time

# Commands that may still be recorded on a closed case.
ALLOWED_WHEN_CLOSED = ("reopen", "update-reporter", "correct")


class CaseGuards(CaseReading):
    """Mixed into `tasking.domain.case.Case`: the rules a decision checks first."""

    def check_open(self, command: str) -> None:
        if self.status == "closed" and command not in ALLOWED_WHEN_CLOSED:
            raise DomainError("case", f"{self.reference} is closed; reopen it before '{command}'")

    def check_tasking(self, tasking: str) -> dict[str, Any]:
        if tasking not in self.taskings:
            known = ", ".join(self.taskings) or "none"
            raise DomainError("tasking", f"{self.reference} has no tasking {tasking!r} (taskings: {known})")
        return self.taskings[tasking]

    def check_tasking_open(self, tasking: str) -> dict[str, Any]:
        found = self.check_tasking(tasking)
        if found["status"] != "open":
            raise DomainError("tasking", f"{self.reference} {tasking} is already completed")
        return found

    def check_not_before_raised(self, at: dt.datetime, tasking: str, verb: str) -> dict[str, Any]:
        """The open tasking, which cannot be `verb` (reassigned, completed) before it was raised."""
        found = self.check_tasking_open(tasking)
        if at < found["raised_at"]:
            raise DomainError(
                "at", f"{tasking} cannot be {verb} before it was raised ({local_time(found['raised_at'])})"
            )
        return found

    def check_not_before_received(self, at: dt.datetime, field: str = "at") -> None:
        if at < self.received_at:
            raise DomainError(
                field, f"{local_time(at)} is before {self.reference} was received ({local_time(self.received_at)})"
            )

    def check_due(self, at: dt.datetime, due: dt.date) -> None:
        raised = at.astimezone(LONDON).date()
        if due < raised:
            raise DomainError("due", f"{due.isoformat()} is before the tasking was raised ({raised})")

    def check_can_link(self, to: str) -> None:
        if to == self.reference:
            raise DomainError("to", "a case cannot be linked to itself")
        if any(existing["to"] == to for existing in self.links):
            raise DomainError("to", f"{self.reference} is already linked to {to}")

    def check_occurred(self, field: str, value: str) -> None:
        """A corrected occurrence cannot come after the report was received."""
        if field == "occurred" and dt.datetime.fromisoformat(value.replace("Z", "+00:00")) > self.received_at:
            raise DomainError(
                "value",
                f"the behaviour cannot have occurred after the report was received ({local_time(self.received_at)})",
            )

    def check_no_open_taskings(self) -> None:
        stranded = self.open_taskings()
        if stranded:
            named = ", ".join(f"{ref} ({self.taskings[ref]['agency']})" for ref in stranded)
            raise DomainError(
                "case",
                f"{self.reference} has open taskings: {named}; complete them first, "
                "or close with --complete-taskings RESULT",
            )

    def check_reopenable(self, at: dt.datetime) -> None:
        if self.status != "closed":
            raise DomainError("case", f"{self.reference} is not closed")
        self.check_not_before_received(at)
        closed_at = getattr(self, "closed_at", None)
        if closed_at is not None and at < closed_at:
            raise DomainError("at", f"{local_time(at)} is before {self.reference} was closed ({local_time(closed_at)})")

    def check_new_lead(self, lead: str) -> None:
        if lead == self.lead:
            raise DomainError("lead", f"{lead} is already the lead officer of {self.reference}")
