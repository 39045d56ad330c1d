"""Both axes of the version tables indexed at once: an SQLite R*Tree of the rows' intervals.

A read at a past `at` stabs the effective axis at one moment. A B-tree leads by one end of an
interval, so a range on `at_to > at` walks every row whose interval is still open after `at`
(every case received since), and a range on `at_from <= at` every row begun before it. The rows
open on both axes (`position_to = POSITION_END` and `at_to = AT_END`: each case's latest state)
are read apart, by `at_from <= at` alone; every other row (closed on either axis) is kept in an
R*Tree (`case_spans`, `tasking_spans`, keyed by the row's rowid), which finds the rectangles holding a point
(`tasking.queries.intervals`). Triggers keep it in the same transaction as the rows.

The R*Tree stores 32-bit floats, rounding each lower bound down and each upper bound up, so it
finds a superset of the rows: every read checks the exact intervals on the row as well.
"""

from __future__ import annotations

from typing import Any

from tasking.projections.state_versions import AT_END, POSITION_END

__all__ = ["SPANNED", "create_spans", "drop_spans", "span_day"]

SPANNED = {"case_versions": "case_spans", "tasking_versions": "tasking_spans"}  # each table's R*Tree


def span_day(column: str) -> str:
    """SQL for an instant (ISO text) as days since 2000-01-01 (small numbers keep float precision)."""
    return f"(julianday({column}) - 2451544.5)"


def create_spans(db: Any, table: str) -> None:
    """The R*Tree of `table`'s rows closed on either axis, and the triggers that keep it."""
    spans = SPANNED[table]
    db.execute(f"CREATE VIRTUAL TABLE [{spans}] USING rtree(id, at_from, at_to, position_from, position_to)")
    values = f"new.rowid, {span_day('new.at_from')}, {span_day('new.at_to')}, new.position_from, new.position_to"
    db.execute(
        f"CREATE TRIGGER [{spans}_opened] AFTER INSERT ON [{table}] "
        f"WHEN new.position_to < {POSITION_END} OR new.at_to < '{AT_END}' "
        f"BEGIN INSERT INTO [{spans}] VALUES ({values}); END"
    )
    db.execute(
        f"CREATE TRIGGER [{spans}_closed] AFTER UPDATE OF position_to ON [{table}] "
        f"BEGIN DELETE FROM [{spans}] WHERE id = old.rowid; INSERT INTO [{spans}] VALUES ({values}); END"
    )


def drop_spans(db: Any, table: str) -> None:
    db.execute(f"DROP TABLE IF EXISTS [{SPANNED[table]}]")
