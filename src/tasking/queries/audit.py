"""Who did what on a case, and when: read straight from the case's own events, so never stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasking.store.application import TaskingApp
from tasking.domain.errors import DomainError
from tasking.time.instants import iso, iso_precise

_HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "user", "agency", "at"}


def event_name(event: Any) -> str:
    return type(event).__qualname__.rsplit(".", 1)[-1]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def audit(app: TaskingApp, reference: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """Every event on the case in order; with `at`, only those recorded by then (what the record said)."""
    case = app.get_case(reference)
    entries = []
    for event in app.events.get(case.id):
        if at is not None and event.timestamp > at:
            break
        details = {key: _plain(value) for key, value in sorted(vars(event).items()) if key not in _HIDDEN}
        entries.append(
            {
                "event": event_name(event),
                "user": event.user,
                "agency": event.agency,
                "recorded_at": iso_precise(event.timestamp),
                "occurred_at": iso(getattr(event, "at", None)),
                "details": details,
            }
        )
    return {"case": case.reference, "entries": entries}


def show(app: TaskingApp, reference: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """The case's current state; with `at`, its state as recorded by then."""
    case = app.get_case(reference)
    if at is not None:
        versions = [e.originator_version for e in app.events.get(case.id) if e.timestamp <= at]
        if not versions:
            raise DomainError("at", f"{case.reference} had not been recorded by {iso(at)}")
        case = app.repository.get(case.id, version=max(versions))
    return {
        "case": case.reference,
        "status": case.status,
        "closed_reason": case.closed_reason,
        "source": case.source,
        "channel": case.channel,
        "category": case.category,
        "area": case.area,
        "location": case.location,
        "occurred_at": iso(case.occurred_at),
        "received_at": iso(case.received_at),
        "reporter": case.reporter,
        "victim": case.victim,
        "feedback": case.feedback,
        "risk": case.risk,
        "summary": case.summary,
        "lead": case.lead,
        "links": case.links,
        "taskings": [
            {"tasking": ref, **{k: _plain(v) for k, v in t.items()}} for ref, t in case.taskings.items()
        ],
        "events": case.version,
    }
