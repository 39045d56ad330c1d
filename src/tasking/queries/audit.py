"""Who did what on a case, and when; and the case's state, at a read point.

`audit` reads the case's own events from the store, up to the last version recorded by the
position (from the `log` view) and effective by `at`. `show` is the fold of the case's activity
at the point (`tasking.queries.state`), the same state every other read uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from tasking.errors import DomainError
from tasking.queries.access import check_case, in_full, outline, record_read
from tasking.domain.ids import case_id, person_id
from tasking.store.sealing import reveal_event
from tasking.queries.point import Reader
from tasking.queries.state import case_states
from tasking.time.instants import iso, iso_precise

_HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "user", "agency", "at"}


# Optional fields added to an event class after it was first stored (with an upcaster).
_ADDED_LATER = ("lat", "lon")


def event_name(event: Any) -> str:
    return type(event).__qualname__.rsplit(".", 1)[-1]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _not_there(reference: str, reader: Reader) -> DomainError:
    when = f" effective by {iso(reader.point.at)}" if reader.point.at is not None else ""
    return DomainError("case", f"{reference} had not been recorded by position {reader.point.position}{when}")


def audit(reader: Reader, reference: str) -> dict[str, Any]:
    """Every event on the case in order, with its position: what, who, which agency, when.

    Checked against the reader's role; a restricted case not involving the reader's agency is its
    outline; a read of the events is recorded in the access log."""
    case = reader.app.get_case(reference)
    state = case_states(reader.db, reader.point, [case.reference]).get(case.reference)
    if state is None:
        raise _not_there(case.reference, reader)
    check_case(reader, "audit", state)
    if not in_full(reader, state):
        return {**outline(state), "at": iso(reader.point.at), "position": reader.point.position}
    positions = dict(
        reader.db.execute(
            "SELECT version, position FROM log WHERE aggregate_id = ? AND position <= ?",
            [str(case.id), reader.point.position],
        ).fetchall()
    )
    if not positions:
        raise _not_there(case.reference, reader)
    entries, keys = [], reader.app.keys
    for event in reader.app.events.get(case.id, lte=max(positions)):
        if keys is not None:
            event = reveal_event(keys, event)  # free text in plaintext, or `[erased]`
        at = getattr(event, "at", None)
        if reader.point.at is not None and at is not None and at > reader.point.at:
            continue
        details = {key: _plain(value) for key, value in sorted(vars(event).items()) if key not in _HIDDEN}
        for key in _ADDED_LATER:  # optional fields added by a later class version show only when given
            if key in details and details[key] is None:
                del details[key]
        entries.append(
            {
                "event": event_name(event),
                "user": event.user,
                "agency": event.agency,
                "recorded_at": iso_precise(event.timestamp),
                "occurred_at": iso(at),
                "position": positions[event.originator_version],
                "details": details,
            }
        )
    if not entries:
        raise _not_there(case.reference, reader)
    record_read(reader, "audit", [case.reference], "events")
    return {
        "case": case.reference,
        "at": iso(reader.point.at),
        "position": reader.point.position,
        "entries": entries,
        "erased": erased(reader.app, case.reference, case.reporter, case.victim),
    }


def erased(app: Any, reference: str, reporter: str | None, victim: str | None) -> list[str]:
    """What of a case was erased: `reporter` and `victim` (their details), `free-text` (the case's)."""
    keys = app.keys
    if keys is None:
        return []
    found = [
        role
        for role, person in (("reporter", reporter), ("victim", victim))
        if person and keys.is_destroyed(person_id(person))
    ]
    return found + (["free-text"] if keys.is_destroyed(case_id(reference)) else [])


def show(reader: Reader, reference: str) -> dict[str, Any]:
    """The case as it stood at the point."""
    found = reader.app.get_case(reference).reference
    case = case_states(reader.db, reader.point, [found]).get(found)
    if case is None:
        raise _not_there(found, reader)
    check_case(reader, "show", case)
    if not in_full(reader, case):
        return {**outline(case), "at": iso(reader.point.at), "position": reader.point.position}
    record_read(reader, "show", [case.reference], "details")
    return {
        "case": case.reference,
        "at": iso(reader.point.at),
        "position": reader.point.position,
        "status": case.status,
        "closed_reason": case.closed_reason,
        "source": case.source,
        "channel": case.channel,
        "category": case.category,
        "area": case.area,
        "location": case.location,
        "occurred_at": case.occurred_at,
        "received_at": case.received_at,
        "reporter": case.reporter,
        "victim": case.victim,
        "feedback": case.feedback,
        "risk": case.risk,
        "summary": case.summary,
        "lead": case.lead,
        "links": [dict(link) for link in case.links],
        "taskings": [vars(t).copy() for t in case.taskings.values()],
        **story(case.rows),
        "events": len(case.rows),
        "erased": erased(reader.app, case.reference, case.reporter, case.victim),
    }


# The rows of a case's history that `show` tells, by kind: (key, the columns that say what happened).
STORY = {
    "follow-up": ("follow_ups", ("follow_up_kind", "text")),
    "update-reporter": ("reporter_updates", ("update_channel", "text")),
    "power": ("powers", ("power",)),
    "refer": ("referrals", ("referral",)),
    "risk": ("risk_history", ("risk", "text")),
    "correct": ("corrections", ("field", "value", "text")),
    "assign": ("leads", ("lead",)),
    "close": ("closures", ("close_reason", "text")),
    "reopen": ("reopenings", ("text",)),
    "reassign": ("reassignments", ("tasking", "tasked_agency", "owner")),
}


def story(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What was done on the case, in order, each with when, who and which agency."""
    found: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in STORY.values()}
    for row in rows:
        if row["kind"] == "report":  # the risk as first assessed opens the risk history
            found["risk_history"].append(
                {
                    "at": row["at"],
                    "user": row["user"],
                    "agency": row["acting_agency"],
                    "risk": row["risk"],
                    "text": "as reported",
                }
            )
        if row["kind"] not in STORY:
            continue
        key, columns = STORY[row["kind"]]
        found[key].append(
            {
                "at": row["at"],
                "user": row["user"],
                "agency": row["acting_agency"],
                **{column: row[column] for column in columns},
            }
        )
    return found
