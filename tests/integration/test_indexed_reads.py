"""The reads kept bitemporally are indexed interval lookups: `EXPLAIN QUERY PLAN` shows no full scan
of the state or activity tables for the taskings due (the briefing's, the packs', the reminders'),
for feedback owed, or for a case's versioned state."""

from __future__ import annotations

import datetime as dt

from tasking.commands import RaiseTasking
from tasking.queries.feedback import OWED_SQL
from tasking.queries.point import ReadPoint
from tasking.queries.state import DUE_SQL, held

TABLES = ("case_versions", "tasking_versions", "activity")


def plan(db, sql: str, params: list) -> list[str]:  # noqa: ANN001
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]


def scans(steps: list[str]) -> list[str]:
    return [step for step in steps if step.startswith("SCAN") and any(table in step for table in TABLES)]


def test_due_taskings_feedback_owed_and_versioned_state_are_index_lookups(desk) -> None:  # noqa: ANN001
    for n in range(3):
        ref = desk.report("2018-03-05T09:30")
        desk.send(RaiseTasking, case=ref, agency="POLICE", action=f"Visit {n}", due=dt.date(2018, 3, 6))
    read = desk.read()
    for point in (read.point, ReadPoint(at=dt.datetime(2018, 3, 6, 9, tzinfo=dt.UTC), position=read.point.position)):
        where, params = held(point)
        due = plan(read.db, DUE_SQL.format(held=where), [*params, "2018-03-06"])
        assert due and not scans(due), due
        state = plan(
            read.db, f"SELECT reference, state FROM case_versions WHERE {where} AND reference = ?", [*params, ref]
        )
        assert state and not scans(state), state
        owed = plan(read.db, OWED_SQL.format(held=where), params)
        assert owed and not scans(owed), owed
