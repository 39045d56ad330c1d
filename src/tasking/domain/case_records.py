"""The records a case's state is made of: `CaseState` and its `TaskingState`s, and the rules read
off a state (feedback owed). The one fold (`tasking.domain.case_state`) makes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tasking.domain.location import location_key


@dataclass(frozen=True)
class TaskingState:
    tasking: str
    tasked_agency: str
    owner: str | None
    action: str
    due: str
    raised_at: str
    raised_by: str
    status: str = "open"
    completed_at: str | None = None
    result: str | None = None


@dataclass(frozen=True)
class CaseState:
    reference: str
    received_at: str
    occurred_at: str
    source: str
    channel: str
    category: str
    area: str
    location: str
    reporter: str | None
    victim: str | None
    feedback: str
    risk: str
    risk_since: str
    summary: str
    reported_by: str
    reporting_agency: str
    status: str = "open"
    closed_at: str | None = None
    closed_reason: str | None = None
    lead: str | None = None
    taskings: Mapping[str, TaskingState] = field(default_factory=dict)
    links: tuple[Mapping[str, str], ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()  # the facts folded, in order
    lat: float | None = None
    lon: float | None = None
    last_update: str | None = None  # the latest effective time the reporter was updated
    action_times: tuple[str, ...] = ()  # when each thing the reporter should hear about was done

    @property
    def location_key(self) -> str:
        return location_key(self.location)

    def owed(self) -> tuple[str, str | None, int] | None:
        """Feedback owed: (owed since, the first action after the last update or None, how many
        actions since it); None when the reporter is not owed (`tasking.queries.feedback`).

        An update at the same effective time as an action answers it; a reporter never updated is
        owed from the report itself."""
        if self.feedback not in ("resident", "report-back"):
            return None
        pending = [t for t in self.action_times if self.last_update is None or t > self.last_update]
        since = min(pending) if pending else None
        if self.last_update is None:
            return self.received_at, since, len(pending)
        return None if since is None else (since, since, len(pending))

    @property
    def is_open(self) -> bool:
        return self.status == "open"
