"""A case read through the names its guards and decisions use: each is a view of the one fold's
state (`tasking.domain.case_state`), which every event's `apply` sets on the aggregate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasking.domain.case_state import CaseState


def _when(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class CaseReading:
    """Mixed into `tasking.domain.case.Case`: no events, no decisions, only reads of `state`."""

    state: CaseState  # set by every event's `apply`
    reference = property(lambda self: self.state.reference)
    source = property(lambda self: self.state.source)
    channel = property(lambda self: self.state.channel)
    category = property(lambda self: self.state.category)
    area = property(lambda self: self.state.area)
    location = property(lambda self: self.state.location)
    reporter = property(lambda self: self.state.reporter)
    victim = property(lambda self: self.state.victim)
    feedback = property(lambda self: self.state.feedback)
    risk = property(lambda self: self.state.risk)
    summary = property(lambda self: self.state.summary)
    lat = property(lambda self: self.state.lat)
    lon = property(lambda self: self.state.lon)
    status = property(lambda self: self.state.status)
    closed_reason = property(lambda self: self.state.closed_reason)
    lead = property(lambda self: self.state.lead)
    received_at = property(lambda self: _when(self.state.received_at))
    occurred_at = property(lambda self: _when(self.state.occurred_at))
    closed_at = property(lambda self: _when(self.state.closed_at))

    @property
    def links(self) -> list[dict[str, str]]:
        return [dict(link) for link in self.state.links]

    @property
    def taskings(self) -> dict[str, dict[str, Any]]:
        return {
            ref: {
                "agency": t.tasked_agency,
                "owner": t.owner,
                "action": t.action,
                "due": t.due,
                "raised_at": _when(t.raised_at),
                "status": t.status,
                "result": t.result,
            }
            for ref, t in self.state.taskings.items()
        }

    def open_taskings(self) -> list[str]:
        return [ref for ref, found in self.taskings.items() if found["status"] == "open"]
