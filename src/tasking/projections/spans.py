"""Both axes of the version tables indexed at once: SQLite R*Trees of the rows' intervals.

A read at a past `at` stabs the effective axis at one moment. A B-tree leads by one end of an
interval, so a range on `at_to > at` walks every row whose interval is still open after `at`
(every case received since), and a range on `at_from <= at` every row begun before it. So the
rows are kept in three disjoint kinds, each found by an index bounded by the read
(`tasking.queries.intervals.spanned`):
- open on both axes (`position_to = POSITION_END`, `at_to = AT_END`: each case's latest state),
  by the B-tree range `at_from <= at`;
- current but closed on the effective axis (a state before a later change), by an R*Tree of
  their effective intervals (`case_spans`, `tasking_spans`, `incident_spans`);
- superseded (closed on the recorded axis), by an R*Tree of both intervals (`case_past_spans`,
  `tasking_past_spans`, `incident_past_spans`). Apart from the current rows, whose recorded interval never ends, their
  rectangles stay small, so the tree's boxes do not all hold the latest point.
Each R*Tree is keyed by the row's rowid; triggers keep them in the same transaction as the rows.
An R*Tree stores 32-bit floats, rounding each lower bound down and each upper bound up, so it finds
a superset of the rows: every read checks the exact intervals on the row as well.
"""

from __future__ import annotations

from typing import Any

from tasking.projections.state_versions import AT_END, POSITION_END

__all__ = ["SPANNED", "create_spans", "drop_spans", "span_day"]

# each table's R*Trees: (current rows closed on the effective axis, superseded rows)
SPANNED = {
    "case_versions": ("case_spans", "case_past_spans"),
    "tasking_versions": ("tasking_spans", "tasking_past_spans"),
    "incident_versions": ("incident_spans", "incident_past_spans"),
}


def span_day(column: str) -> str:
    """SQL for an instant (ISO text) as days since 2000-01-01 (small numbers keep float precision)."""
    return f"(julianday({column}) - 2451544.5)"


def create_spans(db: Any, table: str) -> None:
    """The R*Trees of `table`'s rows closed on either axis, and the triggers that keep them."""
    spans, past = SPANNED[table]
    db.execute(f"CREATE VIRTUAL TABLE [{spans}] USING rtree(id, at_from, at_to)")
    db.execute(f"CREATE VIRTUAL TABLE [{past}] USING rtree(id, at_from, at_to, position_from, position_to)")
    at = f"new.rowid, {span_day('new.at_from')}, {span_day('new.at_to')}"
    db.execute(
        f"CREATE TRIGGER [{spans}_opened] AFTER INSERT ON [{table}] "
        f"WHEN new.position_to = {POSITION_END} AND new.at_to < '{AT_END}' "
        f"BEGIN INSERT INTO [{spans}] VALUES ({at}); END"
    )
    both = f"{at}, new.position_from, new.position_to"
    db.execute(
        f"CREATE TRIGGER [{past}_opened] AFTER INSERT ON [{table}] WHEN new.position_to < {POSITION_END} "
        f"BEGIN INSERT INTO [{past}] VALUES ({both}); END"
    )
    db.execute(
        f"CREATE TRIGGER [{past}_closed] AFTER UPDATE OF position_to ON [{table}] "
        f"BEGIN DELETE FROM [{spans}] WHERE id = old.rowid; INSERT INTO [{past}] VALUES ({both}); END"
    )


def drop_spans(db: Any, table: str) -> None:
    for name in SPANNED[table]:
        db.execute(f"DROP TABLE IF EXISTS [{name}]")
