"""A case's state at a read point, and the rules built on it.

Every read folds the `activity` rows recorded by the point's position and effective by its `at`,
in the order they were recorded, with the one fold (`tasking.domain.case_state`) the aggregate
decides by: the latest point's fold is exactly the state the write side decides on (and the
`cases` and `taskings` views hold). Effective time chooses which facts had happened by `at`; it
does not reorder them. "Open at" and "one incident" are defined here once ("a tasking due at"
in `tasking.queries.taskings_due`, which rows hold a point in `tasking.queries.intervals`), and
the briefing, the packs, the reminders, repeats and stats all call them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, cast

from sqlite_utils import Database

from tasking.domain.case_state import CaseState, TaskingState, fold_cases
from tasking.projections.state import load_state
from tasking.queries.intervals import held, received, window
from tasking.queries.point import ReadPoint

__all__ = [
    "CaseState",
    "TaskingState",
    "case_states",
    "incident_groups",
    "received_since",
    "references_where",
    "revealer",
    "held",
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
    where, params = held(point, by="position" if references is None else "reference", table="case_versions")
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
    refs = [row[0] for row in db.conn.execute(*received("reference, received_at", since, point)).fetchall()]
    return versioned_states(db, point, refs, reveal_text=reveal_text) if refs else {}


RECEIVED_FIELDS = ("category", "area", "place", "location", "reporter", "victim")


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


def incident_groups(db: Database, point: ReadPoint) -> dict[str, str]:
    """Map each linked case reference to the reference standing for its incident.

    Reports joined by `same-incident` links, transitively, are one incident, named by its lowest
    reference; only links within the point (recorded by its position, effective by its `at`) join
    them. The `incident_versions` rows holding the point, by index (`tasking.projections.incidents`).
    """
    where, params = held(point, table="incident_versions")
    return dict(db.conn.execute(f"SELECT reference, incident FROM incident_versions WHERE {where}", params).fetchall())
