"""The case list: the `case_versions` rows holding the read point, by index."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.queries.access import in_full, no_free_text, outline, record_read, restricted_cases
from tasking.queries.intervals import held_apart, spanned
from tasking.queries.point import Reader, ReadPoint
from tasking.queries.state import versioned_states
from tasking.time.instants import iso


def list_cases(reader: Reader, open_only: bool = False, area: str | None = None) -> dict[str, Any]:
    """Every case at the point, oldest first: restricted ones as outlines for readers not entitled to
    them in full, and without the location for analysts and admins. The restricted cases shown in
    full are recorded in the access log."""
    reader.app.authorize(reader.actor, "cases")
    rows, restricted = [], []
    # the list shows no free text; the open cases alone are found by the status index
    wanted = open_references(reader.db, reader.point) if open_only else None
    states = versioned_states(reader.db, reader.point, wanted, reveal_text=False)
    facts = restricted_cases(reader, reader.point, set(states), states)
    for case in states.values():
        if open_only and not case.is_open:
            continue
        if area and case.area.casefold() != area.casefold():
            continue
        case = facts.get(case.reference, case)  # a restricted case, with the facts that decide who may see it
        if not in_full(reader, case):  # a restricted case: its outline only
            rows.append(outline(case))
            continue
        if reader.restriction(case):
            restricted.append(case.reference)
        row = {
            "case": case.reference,
            "status": case.status,
            "received_at": case.received_at,
            "source": case.source,
            "category": case.category,
            "area": case.area,
            "location": case.location,
            "risk": case.risk,
        }
        if no_free_text(reader):  # analysts and admins: no free text
            del row["location"]
        rows.append(row)
    rows.sort(key=lambda r: (r["received_at"], r["case"]))
    record_read(reader, "cases", restricted, "restricted cases in the list")
    return {"at": iso(reader.point.at), "position": reader.point.position, "cases": rows}


def open_references(db: Database, point: ReadPoint) -> list[str]:
    """The cases open at the point: their `case_versions` rows found by the `(status, position_to,
    at_to)` index, the current rows and those superseded after the point apart (`held_apart`), so
    the open list reads the open cases' states alone, not every case in history. At a moment, by
    `spanned`'s three kinds of row: `+status` in the R*Trees' parts, which the status index must not
    lead (SQLite would walk every row ever open)."""
    if point.at is not None:
        parts = spanned(point, "case_versions")
        sql = " UNION ALL ".join(
            f"SELECT reference FROM case_versions WHERE {'+' if n else ''}status = 'open' AND {where}"
            for n, (where, _) in enumerate(parts)
        )
        return [reference for (reference,) in db.conn.execute(sql, [v for _, params in parts for v in params])]
    sql, params = held_apart("SELECT reference FROM case_versions WHERE status = 'open' AND {held}", point)
    return [reference for (reference,) in db.conn.execute(sql, params)]
