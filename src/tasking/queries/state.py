"""A case's state at a read point, and the rules built on it.

Every read folds the `activity` rows recorded by the point's position and effective by its `at`,
in the order they were recorded, with the one fold (`tasking.domain.case_state`) the aggregate
decides by: the latest point's fold is exactly the state the write side decides on (and the
`cases` and `taskings` views hold). Effective time chooses which facts had happened by `at`; it
does not reorder them. "Open at", "a tasking due at" and "one incident" are defined
here once, and the briefing, the packs, the reminders, repeats and stats all call them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from tasking.domain.case_state import CaseState, TaskingState, fold_cases
from tasking.queries.point import ReadPoint

__all__ = ["CaseState", "TaskingState", "case_states", "due_items", "due_taskings", "incident_groups", "is_due",
           "not_completed", "open_at", "references_where", "revealer"]


def case_states(db: Database, point: ReadPoint, references: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None, reveal_text: bool = True) -> dict[str, CaseState]:
    """Every case (or the named ones) as it stood at `point`, keyed by reference.

    `kinds` folds only those kinds of row (always with the report), for a reader that needs less.
    `reveal_text=False` leaves free text sealed, for a reader that shows none of it (repeat flags,
    restriction checks): decrypting every row's text is most of a large fold's time.
    """
    where, params = point.sql()
    if kinds is not None:
        where += " AND kind IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted({"report", *kinds})))
    if references is not None:
        wanted = sorted(set(references))
        if not wanted:
            return {}
        where += " AND reference IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(wanted))
    reveal = revealer(db) if reveal_text else None
    # Sorted here, not by SQL: a temporary B-tree of whole activity rows costs more than the fold.
    cursor = db.conn.execute(f"SELECT * FROM activity WHERE {where}", params)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor]
    rows.sort(key=itemgetter("position"))
    if reveal is not None:
        for row in rows:
            if row["text"] is not None:
                row["text"] = reveal(row["text"])
    return fold_cases(rows)


def revealer(db: Database) -> Callable[[Any], Any]:
    """The one helper every read shows free text through: a sealed token's plaintext, or `[erased]`
    once its key is destroyed; plaintext (a store written before encryption) as it is."""
    keys = getattr(db, "keys", None)
    return keys.reveal if keys is not None else (lambda value, owner=None: value)


# Prefilters: SQL that narrows a fold to the cases that can matter, so a read at county scale
# does not fold all of history. Each is implied by the fold's own rule (which still decides):
# a completion is final, and a case is open when no closure stands without a later reopening.
def not_completed(point: ReadPoint) -> tuple[str, list[Any]]:
    """SQL true for a `task` row of `activity` whose tasking has no completion within the point."""
    where, params = point.sql("d")
    return ("NOT EXISTS (SELECT 1 FROM activity d WHERE d.kind = 'complete' AND d.reference = activity.reference "
            f"AND d.tasking = activity.tasking AND {where})"), params


def open_at(point: ReadPoint) -> tuple[str, list[Any]]:
    """SQL true for an `activity` row whose case is open at the point: no closure within it
    without a later reopening within it."""
    closed, closed_params = point.sql("c")
    reopened, reopened_params = point.sql("r")
    return ("NOT EXISTS (SELECT 1 FROM activity c WHERE c.kind = 'close' AND c.reference = activity.reference "
            f"AND {closed} AND NOT EXISTS (SELECT 1 FROM activity r WHERE r.kind = 'reopen' "
            f"AND r.reference = activity.reference AND r.position > c.position AND {reopened}))"), \
        [*closed_params, *reopened_params]


def references_where(db: Database, point: ReadPoint, condition: str, params: list[Any]) -> list[str]:
    """The references of cases with an activity row matching `condition`, within the point."""
    where, base = point.sql()
    return [row[0] for row in db.execute(
        f"SELECT DISTINCT reference FROM activity WHERE {where} AND ({condition})", [*base, *params]).fetchall()]


# --- the rules ------------------------------------------------------------------------------

def is_due(tasking: TaskingState, case: CaseState, day: dt.date) -> bool:
    """Chased at the meeting on `day`: open, on an open case, and due on or before that day."""
    return tasking.status == "open" and case.is_open and tasking.due <= day.isoformat()


def due_taskings(db: Database, point: ReadPoint, day: dt.date) -> list[dict[str, Any]]:
    """Every tasking due or overdue on `day`, as the record stood at `point`: most overdue first.

    The briefing, the packs and the reminders all list exactly these.
    """
    (undone, undone_params), (is_open, open_params) = not_completed(point), open_at(point)
    refs = references_where(db, point, f"kind = 'task' AND due <= ? AND {undone} AND {is_open}",
                            [day.isoformat(), *undone_params, *open_params])
    return due_items(case_states(db, point, refs), day)


def due_items(states: dict[str, CaseState], day: dt.date) -> list[dict[str, Any]]:
    """The taskings of these cases that are due on `day` (`is_due`), most overdue first."""
    items = []
    for case in states.values():
        for tasking in case.taskings.values():
            if is_due(tasking, case, day):
                items.append({
                    "case": case.reference, "tasking": tasking.tasking, "tasked_agency": tasking.tasked_agency,
                    "owner": tasking.owner, "action": tasking.action, "due": tasking.due,
                    "raised_at": tasking.raised_at, "days_overdue": (day - dt.date.fromisoformat(tasking.due)).days,
                })
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def incident_groups(db: Database, point: ReadPoint) -> dict[str, str]:
    """Map each linked case reference to the reference standing for its incident.

    Reports joined by `same-incident` links, transitively, are one incident; only links within
    the point (recorded by its position, effective by its `at`) join them.
    """
    parent: dict[str, str] = {}

    def find(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    where, params = point.sql()
    for left, right in db.execute(
        f"SELECT reference, linked_to FROM activity WHERE {where} AND kind = 'link' AND link_reason = 'same-incident' "
        "ORDER BY position", params,
    ).fetchall():
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {ref: find(ref) for ref in parent}
