"""The reads kept bitemporally are indexed interval lookups: `EXPLAIN QUERY PLAN` shows no full scan
of the state or activity tables for the taskings due (the briefing's, the packs', the reminders'),
for feedback owed, or for a case's versioned state."""

from __future__ import annotations

import datetime as dt

from tasking.commands import AssessRisk, CloseCase, LinkCases, RaiseTasking
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.cases import list_cases
from tasking.queries.feedback import OWED_SQL, feedback_owed
from tasking.queries.point import ReadPoint
from tasking.queries.intervals import held
from tasking.queries.taskings_due import DUE_SQL
from tests.conftest import at

TABLES = ("case_versions", "tasking_versions", "activity")


def plan(db, sql: str, params: list) -> list[str]:
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]


def scans(steps: list[str]) -> list[str]:
    return [step for step in steps if step.startswith("SCAN") and any(table in step for table in TABLES)]


def by_span(step: str, steps: list[str]) -> bool:
    """A version row read by rowid, the rowids coming from one of its table's R*Trees."""
    return "(rowid=?)" in step and any("VIRTUAL TABLE INDEX" in s and "_spans" in s for s in steps)


def test_due_taskings_feedback_owed_and_versioned_state_are_index_lookups(desk) -> None:
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


def statements(db, read) -> list[str]:
    """Every SELECT the views' connection runs during `read()`, with its values bound."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        read()
    finally:
        db.conn.set_trace_callback(None)
    return [sql for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_every_query_of_the_briefing_and_feedback_owed_at_the_last_meeting_is_an_index_lookup(desk) -> None:
    """Repeat flags, possible duplicates, case review alerts, the restricted screen, the year section
    and the case states they show: none of the briefing's statements scans the state or activity
    tables, and `activity` is read only by case reference (the restricted cases' facts)."""
    victim = desk.people["victim"]
    refs = [
        desk.report(f"2018-03-0{day}T10:00", location="12 Mill Road", victim=victim, source=source)
        for day, source in ((1, "COUNCIL"), (2, "POLICE"), (2, "COUNCIL"), (3, "POLICE"))
    ]
    desk.send(LinkCases, when="2018-03-03T11:00", case=refs[1], to=refs[0], reason="same-incident")
    hidden = desk.report("2018-03-04T10:00", category="domestic-abuse", location="Quarry Lane")
    desk.send(
        RaiseTasking, when="2018-03-04T11:00", case=hidden, agency="POLICE", action="Visit", due=dt.date(2018, 3, 5)
    )
    desk.send(AssessRisk, when="2018-03-01T11:00", case=refs[0], level="high", reason="r")
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    for user in ("coordinator", "warden.grange"):
        read = desk.read(user=user)
        found: dict = {}
        sql = statements(read.db, lambda read=read: found.update(briefing(read, meeting)))
        assert found["repeat_flags"] and found["possible_duplicates"] and found["case_review_alerts"]
        point = read.point.until(meeting)
        sql += statements(read.db, lambda read=read, point=point: feedback_owed(read.db, read.config, point))
        for statement in sql:
            steps = plan(read.db, statement, [])
            assert not scans(steps), (statement, steps)
            # `activity` is never folded or searched by kind or time: only read by case, for the
            # restricted screen's few cases
            history = [step for step in steps if " activity " in f"{step} "]
            assert all("reference=?" in step for step in history), (statement, steps)
            # A section found by its window or its category is led by that index, not by a walk of
            # every current version (a SEARCH on the recorded axis, which grows with history); a
            # window of receipts reads its rows closed on either axis by their R*Trees (by rowid)
            for column in ("received_at", "raised_at", "category"):
                if f"{column} >" in statement or f"{column} IN" in statement:
                    versions = [step for step in steps if "_versions" in step]
                    assert versions and all(f"({column}" in step or by_span(step, steps) for step in versions), (
                        statement,
                        steps,
                    )


def test_the_case_list_reads_the_states_by_index_and_activity_only_for_restricted_cases(desk) -> None:
    shown = [desk.report(f"2018-03-0{day}T10:00") for day in (1, 2)]
    hidden = desk.report("2018-03-03T10:00", category="domestic-abuse", location="Quarry Lane")
    for user in ("coordinator", "warden.grange"):
        read = desk.read(user=user)
        found: dict = {}
        sql = statements(read.db, lambda read=read: found.update(list_cases(read)))
        assert [c["case"] for c in found["cases"]] == [*shown, hidden]
        for statement in sql:
            steps = plan(read.db, statement, [])
            assert not scans(steps), (statement, steps)
            history = [step for step in steps if " activity " in f"{step} "]
            assert all("reference=?" in step for step in history), (statement, steps)


def test_the_briefings_windows_of_receipts_are_read_from_their_index_alone(desk) -> None:
    """Repeat flags and case review prompts read a window of receipts (28 days, 6 months): every
    statement over such a window reads the cases' latest states from the partial index of them by
    receipt alone (its plain columns, one entry a case, not one a version), and only the rows that
    straddle the moment from the R*Trees; never the stored state (no `json_extract`)."""
    victim = desk.people["victim"]
    for day in (1, 2, 3):
        desk.report(f"2018-03-0{day}T10:00", location="12 Mill Road", victim=victim)
    read = desk.read()
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    found: dict = {}
    sql = statements(read.db, lambda: found.update(briefing(read, meeting)))
    assert found["repeat_flags"] and found["case_review_alerts"]
    windows = [statement for statement in sql if "received_at >" in statement]
    assert len(windows) >= 3, sql
    for statement in windows:
        assert "json_extract" not in statement, statement
        steps = plan(read.db, statement, [])
        versions = [step for step in steps if "case_versions" in step]
        assert "COVERING INDEX case_versions_latest_received (received_at" in versions[0], steps
        assert versions[1:] and all(by_span(step, steps) for step in versions[1:]), steps


def test_the_briefing_reads_the_person_window_and_the_incidents_once(desk) -> None:
    """Repeat flags and case review prompts share one read of the 6-month window of receipts, and
    the flags, prompts and duplicates one read of the incidents at the point."""
    victim = desk.people["victim"]
    refs = [desk.report(f"2018-03-0{day}T10:00", location="12 Mill Road", victim=victim) for day in (1, 2, 3)]
    desk.send(LinkCases, when="2018-03-03T11:00", case=refs[1], to=refs[0], reason="same-incident")
    read = desk.read()
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    found: dict = {}
    sql = statements(read.db, lambda: found.update(briefing(read, meeting)))
    assert found["repeat_flags"] and found["case_review_alerts"]
    people = [s for s in sql if "reporter" in s and "victim" in s and "received_at >" in s]
    assert len(people) == 1, people
    assert len([s for s in sql if "FROM incident_versions" in s]) == 1, sql


def test_feedback_owed_is_read_by_the_partial_index_of_owed_rows(desk) -> None:
    """Feedback owed walks only the rows whose reporter is owed (`case_versions_owed`), never the
    current rows of every case: at the latest meeting that index holds the cases owed now. The rows
    closed on either axis are found by the R*Tree of both intervals (`case_spans`)."""
    refs = [desk.report(f"2018-03-0{day}T10:00") for day in (1, 2)]
    desk.send(
        RaiseTasking, when="2018-03-02T11:00", case=refs[0], agency="POLICE", action="Visit", due=dt.date(2018, 3, 6)
    )
    read = desk.read()
    for point in (read.point.until(at("2018-03-20T09:00")), ReadPoint(at=at("2018-03-20T09:00"), position=3)):
        sql = statements(read.db, lambda point=point: feedback_owed(read.db, read.config, point))
        steps = [step for statement in sql for step in plan(read.db, statement, []) if "case_versions" in step]
        # the latest states by the owed index; the rows closed on either axis by the R*Tree's rowids
        by_rowid = [step for step in steps if "INTEGER PRIMARY KEY (rowid=?)" in step]
        assert all("case_spans" in " ".join(plan(read.db, s, [])) for s in sql if by_rowid), sql
        assert steps and all("case_versions_owed" in step or step in by_rowid for step in steps), steps


def test_the_open_case_list_reads_only_the_open_cases_by_the_status_index(desk) -> None:
    """`cases --open` finds the open cases by the `(status, ...)` index and reads only their states:
    no statement walks the current row of every case in history."""
    done = desk.report("2018-03-01T10:00")
    desk.send(CloseCase, when="2018-03-02T10:00", case=done, reason="resolved")
    still = desk.report("2018-03-02T11:00")
    read = desk.read()
    found: dict = {}
    sql = statements(read.db, lambda: found.update(list_cases(read, open_only=True)))
    assert [c["case"] for c in found["cases"]] == [still]
    steps = [step for statement in sql for step in plan(read.db, statement, []) if "case_versions" in step]
    # by status and the recorded axis (never every row that was ever open), or by the cases found
    assert steps and all("status=? AND position_to" in step or "reference" in step for step in steps), steps


def test_the_briefings_year_section_reads_only_activities_and_cameras_by_kind(desk) -> None:
    """The day's activities and the cameras due to move are found by the `(kind, at)` index of the
    year's view, not by reading every row of every kind in history."""
    desk.report("2018-03-01T10:00")
    read = desk.read()
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    sql = statements(read.db, lambda: briefing(read, meeting))
    steps = [step for statement in sql for step in plan(read.db, statement, []) if "year_events" in step]
    assert steps and all("kind" in step for step in steps), steps
