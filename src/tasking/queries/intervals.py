"""Which `case_versions`, `tasking_versions` and `incident_versions` rows hold a read point, in SQL.

A version row holds the point when its effective interval `[at_from, at_to)` holds the point's
`at` and its recorded interval `[position_from, position_to)` holds its position
(`tasking.projections.state`). Every read of those tables says so through `held`, and a read of a
window by receipt or raising bounds it through `window`.
"""

from __future__ import annotations

from typing import Any

from tasking.projections.state import AT_END, LATEST_RECEIVED, POSITION_END, SPANNED, span_day
from tasking.queries.point import ReadPoint
from tasking.time.instants import iso

__all__ = ["held", "held_apart", "received", "spanned", "window"]

INDEXED_RECEIVED = "case_versions INDEXED BY case_versions_latest_received"


def window(column: str, since: str, point: ReadPoint, params: list[Any]) -> str:
    """SQL for `column` (a receipt or a raising, from which a case or tasking is effective) after
    `since` and, for a read at a moment, by it: a row received later holds no interval at that
    moment, so the index range stops there. Puts its values in front of `params`."""
    if point.at is None:
        params[:0] = [since]
        return f"{column} > ?"
    params[:0] = [since, iso(point.at)]
    return f"{column} > ? AND {column} <= ?"


def received(columns: str, since: str, point: ReadPoint, ordered: bool = True) -> tuple[str, list[Any]]:
    """A statement for `columns` of the `case_versions` rows received after `since` (and, read at a
    moment, by it) that hold the point, in order of receipt (unless not `ordered`), and its values.

    At a moment, the rows come as `spanned`'s three kinds, the first by the partial index of the
    latest states by receipt (`LATEST_RECEIVED`): one entry a case received in the window, where
    the full `case_versions_received` index holds every version of each (twelve a case in a
    100,000-case district). The rows closed on either axis come from the R*Trees, which hold only
    those that straddle the moment (cases changed since it, or versions superseded since the
    point's position), with the window checked on each."""
    order = " ORDER BY received_at, reference" if ordered else ""
    if point.at is None:
        params: list[Any] = []
        where = window("received_at", since, point, params)
        held_where, held_params = held(point, by="received")
        return f"SELECT {columns} FROM case_versions WHERE {where} AND {held_where}{order}", params + held_params
    when = iso(point.at)
    parts, values = [], []
    for n, (where, params) in enumerate(spanned(point, "case_versions")):
        # the latest states by their partial index, led by the window; the R*Trees' rows checked on it
        source, column = ("case_versions", "+received_at") if n else (INDEXED_RECEIVED, "received_at")
        parts.append(f"SELECT {columns} FROM {source} WHERE {where} AND {column} > ? AND {column} <= ?")
        values += [*params, since, when]
    return " UNION ALL ".join(parts) + order, values


def held(point: ReadPoint, by: str = "position", table: str | None = None) -> tuple[str, list[Any]]:
    """SQL true for a `case_versions` or `tasking_versions` row whose intervals hold the point.

    For a read found by the recorded axis (`by="position"`), `position_to > p` is spelt as the
    current rows (`= POSITION_END`) or those superseded after p: an equality lets an index go on to
    its next columns (status, due, ...), where a range on `position_to` would walk every current
    row of the index. A read found by another index (`by="received"`: the `received_at` window;
    `by="reference"`: named cases; `by="category"`: the cases in some categories) keeps the plain
    range, which SQLite cannot turn into a walk of every current row, so that index leads (EXPLAIN
    in `test_indexed_reads`).

    Read at a moment by the recorded axis, a `table` with an R*Tree (`tasking.projections.spans`)
    is read as its three kinds of row (`spanned`), so no index range walks rows that hold a later moment."""
    if by == "position" and point.at is not None and table in SPANNED:
        parts = spanned(point, table)
        return "((" + ") OR (".join(where for where, _ in parts) + "))", [v for _, ps in parts for v in ps]
    if by == "position":
        where = "(position_to = ? OR (position_to > ? AND position_to < ?)) AND position_from <= ?"
        params: list[Any] = [POSITION_END, point.position, POSITION_END, point.position]
    else:
        where, params = "+position_to > ? AND position_from <= ?", [point.position, point.position]
    return _at(point, where, params)


def held_apart(select: str, point: ReadPoint, table: str = "case_versions") -> tuple[str, list[Any]]:
    """`select` (a statement with `{held}` where its rows must hold the point, by the recorded axis)
    once for each of `held`'s two disjoint halves, the current rows and those superseded after the
    point's position, joined by UNION ALL, and its values: a statement for each half lets an index
    lead both, where SQLite plans the `OR` of `held` by the full index of the same columns. Read at a
    moment, once for each of `spanned`'s three kinds of row instead."""
    if point.at is not None:
        parts = spanned(point, table)
    else:
        current = _at(point, "position_to = ? AND position_from <= ?", [POSITION_END, point.position])
        superseded = "position_to > ? AND position_to < ? AND position_from <= ?"
        parts = [current, _at(point, superseded, [point.position, POSITION_END, point.position])]
    sql = " UNION ALL ".join(select.format(held=where) for where, _ in parts)
    return sql, [value for _, params in parts for value in params]


def spanned(point: ReadPoint, table: str) -> list[tuple[str, list[Any]]]:
    """The rows of `table` holding a point with an `at`, as three disjoint parts, each found by an
    index bounded by the read (`tasking.projections.spans`): the rows open on both axes by
    `at_from <= at` (the cases' latest states, begun by then); the current rows closed on the
    effective axis, and the superseded rows, each by its R*Tree, with the exact intervals checked on
    the row (an R*Tree's bounds are rounded outwards)."""
    assert point.at is not None and table in SPANNED, "a read at a moment, of a table with R*Trees"
    when, position = iso(point.at), point.position
    spans, past = SPANNED[table]
    stab = f"at_from <= {span_day('?')} AND at_to >= {span_day('?')}"
    exact = "AND +position_from <= ? AND +at_from <= ? AND +at_to > ?"
    # the ends of the axes are spelt out, as the partial indexes spell them (`LATEST_RECEIVED`): the
    # same statement with them bound takes about twice as long (0.25 ms against 0.14 for feedback owed)
    return [
        (f"{LATEST_RECEIVED} AND at_from <= ? AND position_from <= ?", [when, position]),
        (
            f"rowid IN (SELECT id FROM {spans} WHERE {stab}) AND +position_to = {POSITION_END} {exact}",
            [when, when, position, when, when],
        ),
        (
            f"rowid IN (SELECT id FROM {past} WHERE {stab} AND position_from <= ? AND position_to >= ?) "
            f"AND +position_to > ? AND +position_to < {POSITION_END} {exact}",
            [when, when, position, position, position, position, when, when],
        ),
    ]


def _at(point: ReadPoint, where: str, params: list[Any]) -> tuple[str, list[Any]]:
    """`where` and the effective axis: the rows whose `[at_from, at_to)` holds the point's `at`."""
    if point.at is None:
        return where + " AND at_to = ?", [*params, AT_END]
    when = iso(point.at)
    return where + " AND at_from <= ? AND at_to > ?", [*params, when, when]
