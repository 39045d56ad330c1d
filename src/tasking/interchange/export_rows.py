"""The rows of an export: cases, taskings, activity and incidents from the one fold every read uses,
with no personal detail and no free text, and every person or user reference a keyed hash
(`Pseudonyms`, its key drawn afresh for each export).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from tasking.errors import DomainError
from tasking.projections.activity import COLUMNS as ACTIVITY_COLUMNS
from tasking.queries.point import Reader, ReadPoint
from tasking.queries.state import CaseState, case_states, incident_groups
from tasking.time.instants import financial_year_bounds, financial_year_of, iso

KINDS = ("cases", "taskings", "activity", "incidents")
FORMATS = ("csv", "json", "xlsx")
# Free text a user wrote, and nothing else, is what these activity columns hold.
FREE_TEXT = ("text",)
PEOPLE = ("reporter", "victim", "user", "owner", "raised_by", "lead")
PSEUDONYMISED = (
    "people and users are keyed hashes, new for each export; no free text; restricted cases "
    "as outlines unless the reader may see them in full"
)


class Pseudonyms:
    """A keyed hash per export: the same person is the same token within it, and only within it."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        return "p-" + hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _year(at: str | None) -> str | None:
    if at is None:
        return None
    from datetime import datetime

    start = financial_year_of(datetime.fromisoformat(at.replace("Z", "+00:00")))
    return f"{start}/{(start + 1) % 100:02d}"


def _bounds(year: int | None) -> tuple[str, str] | None:
    """The financial year's [from, to) in the stored form (`iso` of a time is never None), or None: every year."""
    if year is None:
        return None
    start, end = financial_year_bounds(year)
    return iso(start), iso(end)


def _in_year(at: str | None, bounds: tuple[str, str] | None) -> bool:
    return bounds is None or (at is not None and bounds[0] <= at < bounds[1])


def _case_row(case: CaseState, config: Any, incident: str, hide: Pseudonyms) -> dict[str, Any]:
    category = config.categories.get(case.category)
    return {
        "case": case.reference,
        "incident": incident,
        "financial_year": _year(case.received_at),
        "status": case.status,
        "received_at": case.received_at,
        "occurred_at": case.occurred_at,
        "source": case.source,
        "channel": case.channel,
        "category": case.category,
        "asb_type": category.asb_type if category else None,
        "area": case.area,
        "location": case.location,
        "lat": case.lat,
        "lon": case.lon,
        "feedback": case.feedback,
        "risk": case.risk,
        "reporter": hide(case.reporter),
        "victim": hide(case.victim),
        "taskings": len(case.taskings),
        "closed_at": case.closed_at,
        "closed_reason": case.closed_reason,
    }


def rows(reader: Reader, kind: str, year: int | None, hide: Pseudonyms) -> list[dict[str, Any]]:
    db, config = reader.db, reader.config
    point = ReadPoint(at=None, position=reader.point.position)
    bounds = _bounds(year)
    if kind == "activity":
        found = []
        for row in db.query("SELECT * FROM activity WHERE position <= ? ORDER BY position", [point.position]):
            if not _in_year(row["at"], bounds):
                continue
            out = {
                column: row[column] for column in ACTIVITY_COLUMNS if column not in FREE_TEXT and column != "case_id"
            }
            for column in PEOPLE:
                if column in out:
                    out[column] = hide(out[column])
            found.append(out)
        return found
    states = case_states(db, point)
    groups = incident_groups(db, point)
    if kind == "cases":
        return [
            _case_row(case, config, groups.get(ref, ref), hide)
            for ref, case in sorted(states.items())
            if _in_year(case.received_at, bounds)
        ]
    if kind == "taskings":
        return [
            {
                "case": case.reference,
                "tasking": t.tasking,
                "tasked_agency": t.tasked_agency,
                "owner": hide(t.owner),
                "due": t.due,
                "raised_at": t.raised_at,
                "raised_by": hide(t.raised_by),
                "status": t.status,
                "completed_at": t.completed_at,
                "financial_year": _year(t.raised_at),
                "area": case.area,
                "category": case.category,
            }
            for _, case in sorted(states.items())
            for t in case.taskings.values()
            if _in_year(t.raised_at, bounds)
        ]
    if kind == "incidents":
        members: dict[str, list[CaseState]] = {}
        for ref, case in states.items():
            members.setdefault(groups.get(ref, ref), []).append(case)
        found = []
        for group in members.values():
            group.sort(key=lambda c: (c.received_at, c.reference))
            first = group[0]
            if not _in_year(first.received_at, bounds):
                continue
            category = config.categories.get(first.category)
            found.append(
                {
                    "incident": first.reference,
                    "financial_year": _year(first.received_at),
                    "reports": len(group),
                    "cases": ";".join(c.reference for c in group),
                    "sources": ";".join(sorted({c.source for c in group})),
                    "first_received_at": first.received_at,
                    "occurred_at": first.occurred_at,
                    "area": first.area,
                    "category": first.category,
                    "asb_type": category.asb_type if category else None,
                    "status": "open" if any(c.is_open for c in group) else "closed",
                }
            )
        found.sort(key=lambda r: (r["first_received_at"], r["incident"]))
        return found
    raise DomainError("kind", f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")


# What a row about a restricted case keeps for a reader who may not see the case in full: the
# case's outline (reference, area, received date) and what the row counts; the rest is empty.
