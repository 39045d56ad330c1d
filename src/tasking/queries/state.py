"""A case's state at a read point, and the rules built on it.

Every read folds the `activity` rows recorded by the point's position and effective by its `at`,
in the order they were recorded, with the one fold (`tasking.domain.case_state`) the aggregate
decides by: the latest point's fold is exactly the state the write side decides on (and the
`cases` and `taskings` views hold). Effective time chooses which facts had happened by `at`; it
does not reorder them. "Open at", "a tasking due at" and "one incident" are defined
here once, and the briefing, the packs, the reminders, repeats and stats all call them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, cast

from sqlite_utils import Database

from tasking.domain.case_state import CaseState, TaskingState, fold_cases
from tasking.projections.state import AT_END, POSITION_END, load_state
from tasking.queries.point import ReadPoint
from tasking.time.instants import iso

__all__ = [
    "CaseState",
    "TaskingState",
    "case_states",
    "due_items",
    "due_taskings",
    "incident_groups",
    "is_due",
    "received_fields",
    "received_since",
    "references_where",
    "revealer",
    "tasking_rows",
    "versioned_states",
    "window",
]


def case_states(
    db: Database,
    point: ReadPoint,
    references: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    reveal_text: bool = True,
) -> dict[str, CaseState]:
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
    rows = [dict(zip(names, values, strict=True)) for values in cursor]
    rows.sort(key=itemgetter("position"))
    if reveal is not None:
        for row in rows:
            if row["text"] is not None:
                row["text"] = reveal(row["text"])
    return fold_cases(rows)


def versioned_states(
    db: Database, point: ReadPoint, references: Iterable[str] | None = None, reveal_text: bool = True
) -> dict[str, CaseState]:
    """The same states as `case_states` (without the facts folded), read from the `case_versions`
    rows whose effective and recorded intervals hold the point: an indexed lookup, not a fold."""
    where, params = held(point, by="position" if references is None else "reference")
    if references is not None:
        where += " AND reference IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(references))))
    reveal = revealer(db) if reveal_text else None
    states = {}
    for reference, text in db.conn.execute(f"SELECT reference, state FROM case_versions WHERE {where}", params):
        state = load_state(text)
        if reveal is not None:
            state = _revealed(state, reveal)
        states[reference] = state
    return dict(sorted(states.items()))


def received_since(db: Database, point: ReadPoint, since: str | None, reveal_text: bool = True) -> dict[str, CaseState]:
    """The cases received after `since` (UTC text) as they stood at the point: the `case_versions`
    rows holding it, found by their `received_at` index (a report is effective from its receipt)."""
    assert since is not None, "received after a moment"
    where, params = held(point, by="received")
    refs = [
        row[0]
        for row in db.conn.execute(
            f"SELECT reference FROM case_versions WHERE {window('received_at', since, point, params)} AND {where}",
            params,
        ).fetchall()
    ]
    return versioned_states(db, point, refs, reveal_text=reveal_text) if refs else {}


def received_fields(db: Database, point: ReadPoint, since: str | None, fields: Iterable[str]) -> list[dict[str, Any]]:
    """Of the cases `received_since` finds, only these fields of each state (and its reference and
    `received_at`), in order of receipt: SQLite reads them out of the stored state, so a reader that
    needs a few fields of many cases (repeat flags, case review prompts) builds no `CaseState`."""
    assert since is not None, "received after a moment"
    where, params = held(point, by="received")
    wanted = ", ".join(f"json_extract(state, '$.{name}') AS [{name}]" for name in fields)
    cursor = db.conn.execute(
        f"SELECT reference, received_at, {wanted} FROM case_versions "
        f"WHERE {window('received_at', since, point, params)} AND {where} ORDER BY received_at, reference",
        params,
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def _revealed(state: CaseState, reveal: Callable[[Any], Any]) -> CaseState:
    def shown(value: Any) -> Any:
        return None if value is None else reveal(value)

    taskings = {
        ref: dataclasses.replace(t, action=shown(t.action), result=shown(t.result)) for ref, t in state.taskings.items()
    }
    return dataclasses.replace(state, summary=shown(state.summary), taskings=taskings)


def revealer(db: Database) -> Callable[[Any], Any]:
    """The one helper every read shows free text through: a sealed token's plaintext, or `[erased]`
    once its key is destroyed; plaintext (a store written before encryption) as it is."""
    keys = getattr(db, "keys", None)
    if keys is not None:
        return cast(Callable[[Any], Any], keys.reveal)

    def as_it_is(value: Any, owner: Any = None) -> Any:
        return value

    return as_it_is


def references_where(db: Database, point: ReadPoint, condition: str, params: list[Any]) -> list[str]:
    """The references of cases with an activity row matching `condition`, within the point."""
    where, base = point.sql()
    return [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT reference FROM activity WHERE {where} AND ({condition})", [*base, *params]
        ).fetchall()
    ]


# --- the rules ------------------------------------------------------------------------------


def is_due(tasking: TaskingState, case: CaseState, day: dt.date) -> bool:
    """Chased at the meeting on `day`: open, on an open case, and due on or before that day."""
    return tasking.status == "open" and case.is_open and tasking.due <= day.isoformat()


def window(column: str, since: str, point: ReadPoint, params: list[Any]) -> str:
    """SQL for `column` (a receipt or a raising, from which a case or tasking is effective) after
    `since` and, for a read at a moment, by it: a row received later holds no interval at that
    moment, so the index range stops there. Puts its values in front of `params`."""
    if point.at is None:
        params[:0] = [since]
        return f"{column} > ?"
    params[:0] = [since, iso(point.at)]
    return f"{column} > ? AND {column} <= ?"


def held(point: ReadPoint, by: str = "position") -> tuple[str, list[Any]]:
    """SQL true for a `case_versions` or `tasking_versions` row whose intervals hold the point.

    For a read found by the recorded axis (`by="position"`), `position_to > p` is spelt as the
    current rows (`= POSITION_END`) or those superseded after p: an equality lets an index go on to
    its next columns (status, due, ...), where a range on `position_to` would walk every current
    row of the index. A read found by another index (`by="received"`: the `received_at` window;
    `by="reference"`: named cases; `by="category"`: the cases in some categories) keeps the plain range, which SQLite cannot turn into a walk of
    every current row, so that index leads (EXPLAIN in `test_indexed_reads`)."""
    if by == "position":
        where = "(position_to = ? OR (position_to > ? AND position_to < ?)) AND position_from <= ?"
        params: list[Any] = [POSITION_END, point.position, POSITION_END, point.position]
    else:
        where, params = "+position_to > ? AND position_from <= ?", [point.position, point.position]
    if point.at is None:
        return where + " AND at_to = ?", [*params, AT_END]
    when = iso(point.at)
    return where + " AND at_from <= ? AND at_to > ?", [*params, when, when]


DUE_SQL = (
    "SELECT reference, tasking, tasked_agency, owner, action, due, raised_at FROM tasking_versions "
    "WHERE {held} AND case_status = 'open' AND status = 'open' AND due <= ?"
)


def tasking_rows(
    db: Database, point: ReadPoint, condition: str, params: list[Any], by: str = "position"
) -> list[dict[str, Any]]:
    """The taskings as they stood at the point (`tasking_versions` rows holding it) that match
    `condition`, as plain items (`case`, `tasking`, ..., `status`) with their action shown; `by`
    names the index the condition is found by (`held`)."""
    where, base = held(point, by=by)
    reveal = revealer(db)
    cursor = db.conn.execute(
        "SELECT reference AS [case], tasking, tasked_agency, owner, action, due, raised_at, status "
        f"FROM tasking_versions WHERE {where} AND ({condition})",
        [*base, *params],
    )
    names = [column[0] for column in cursor.description]
    items = [dict(zip(names, values, strict=True)) for values in cursor]
    for item in items:
        if item["action"] is not None:
            item["action"] = reveal(item["action"])
    return items


def due_taskings(db: Database, point: ReadPoint, day: dt.date) -> list[dict[str, Any]]:
    """Every tasking due or overdue on `day` (`is_due`), as the record stood at `point`: most overdue
    first. The briefing, the packs and the reminders all list exactly these: the `tasking_versions`
    rows holding the point, by index."""
    where, params = held(point)
    reveal = revealer(db)
    items: list[dict[str, Any]] = []
    for case, tasking, agency, owner, action, due, raised_at in db.conn.execute(
        DUE_SQL.format(held=where), [*params, day.isoformat()]
    ):
        items.append(
            {
                "case": case,
                "tasking": tasking,
                "tasked_agency": agency,
                "owner": owner,
                "action": None if action is None else reveal(action),
                "due": due,
                "raised_at": raised_at,
                "days_overdue": (day - dt.date.fromisoformat(due)).days,
            }
        )
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def due_items(states: dict[str, CaseState], day: dt.date) -> list[dict[str, Any]]:
    """The taskings of these cases that are due on `day` (`is_due`), most overdue first."""
    items: list[dict[str, Any]] = []
    for case in states.values():
        for tasking in case.taskings.values():
            if is_due(tasking, case, day):
                items.append(
                    {
                        "case": case.reference,
                        "tasking": tasking.tasking,
                        "tasked_agency": tasking.tasked_agency,
                        "owner": tasking.owner,
                        "action": tasking.action,
                        "due": tasking.due,
                        "raised_at": tasking.raised_at,
                        "days_overdue": (day - dt.date.fromisoformat(tasking.due)).days,
                    }
                )
    items.sort(key=lambda t: (-t["days_overdue"], t["case"], t["tasking"]))
    return items


def incident_groups(db: Database, point: ReadPoint) -> dict[str, str]:
    """Map each linked case reference to the reference standing for its incident.

    Reports joined by `same-incident` links, transitively, are one incident, named by its lowest
    reference; only links within the point (recorded by its position, effective by its `at`) join
    them. The `incident_versions` rows holding the point, by index (`tasking.projections.incidents`).
    """
    where, params = held(point)
    return dict(db.conn.execute(f"SELECT reference, incident FROM incident_versions WHERE {where}", params).fetchall())
