"""Reads at a past `--at` are interval lookups bounded by the read (issue 22): the version rows
holding a moment are found by both axes at once (`tasking.projections.spans`), so recording later
cases adds no work to a read at an earlier moment; and at every (at, position) point the indexed
reads equal a fresh fold of the activity rows (`tasking.domain.case_state.fold_cases`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasking.commands import CloseCase, LinkCases, RaiseTasking, RecordFollowUp
from tasking.config import PartnershipConfig
from tasking.queries.cases import open_references
from tasking.queries.feedback import feedback_owed
from tasking.queries.case_review_alerts import case_review_alerts
from tasking.queries.intervals import received
from tasking.queries.point import ReadPoint
from tasking.queries.reads import open_taskings_read
from tasking.queries.repeats import PeopleWindow, people_window, repeat_flags
from tasking.queries.state import (
    RECEIVED_FIELDS,
    case_states,
    incident_groups,
    received_since,
    versioned_states,
)
from tasking.queries.taskings_due import ITEM_KEYS, agency_taskings, due_items, due_taskings
from tasking.time.instants import iso, local_date, months_before
from tests.conftest import at, scratch_services, seed_roster
from tests.integration.test_bitemporal_property import SETTINGS, play
from tests.integration.test_case_state_property import folded_taskings
from tests.integration.test_projection_property import START, op
from tests.integration.test_indexed_reads import plan, statements

MOMENT = "2018-03-20T09:00"
WINDOW = dt.timedelta(days=190)  # longer than the person window's six months: every report that counts


def opcodes(db, read: Callable[[], object]) -> int:
    """The SQLite virtual machine steps `read` takes: the rows its statements visit, not a time."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    db.conn.set_progress_handler(count, 1)
    try:
        read()
    finally:
        db.conn.set_progress_handler(None, 1)
    return steps


def later_cases(desk, month: int, count: int) -> None:
    """Cases received after the moment read: each followed up, then tasked (and linked to the first
    as the same incident) or closed."""
    first = None
    for n in range(count):
        ref = desk.report(f"2018-{month:02d}-{n % 28 + 1:02d}T10:00")
        when = f"2018-{month:02d}-{n % 28 + 1:02d}T11:00"
        desk.send(RecordFollowUp, when=when, case=ref, kind="visit", outcome="Spoke to them")
        if n % 3:
            desk.send(CloseCase, when=when, case=ref, reason="resolved")
        else:
            desk.send(RaiseTasking, when=when, case=ref, agency="POLICE", action="Visit", due=dt.date(2018, month, 28))
            if first is not None:
                desk.send(LinkCases, when=when, case=ref, to=first, reason="same-incident")
            first = first or ref


def past_reads(desk) -> dict[str, Callable[[], object]]:
    read = desk.read()
    point = read.point.until(at(MOMENT))
    day = local_date(at(MOMENT))
    db, config = read.db, read.config
    return {
        "due": lambda: due_taskings(db, point, day),
        "owed": lambda: feedback_owed(db, config, point),
        "open": lambda: open_references(db, point),
        "agency": lambda: open_taskings_read(read, "POLICE", point.at, point.at)["taskings"],
        "states": lambda: versioned_states(db, point),
        "incidents": lambda: incident_groups(db, point),
    }


def test_a_read_at_a_past_moment_does_no_more_work_for_cases_recorded_after_it(desk) -> None:
    """Taskings due, feedback owed, the open cases, an agency's taskings, every case's state and the
    incidents at a past moment: twice as many cases received later leave the work of each read unchanged (before
    the R*Tree, each walked the current rows of every later case: `at_to > at` held for them all)."""
    early = [desk.report(f"2018-03-0{day}T10:00") for day in (1, 2, 3)]
    desk.send(
        RaiseTasking, when="2018-03-02T11:00", case=early[0], agency="POLICE", action="Visit", due=dt.date(2018, 3, 4)
    )
    desk.send(CloseCase, when="2018-03-08T10:00", case=early[1], reason="resolved")
    desk.send(LinkCases, when="2018-03-03T11:00", case=early[2], to=early[0], reason="same-incident")
    later_cases(desk, 4, 8)
    before = {name: (read(), opcodes(desk.db, read)) for name, read in past_reads(desk).items()}
    later_cases(desk, 5, 8)
    after = {name: (read(), opcodes(desk.db, read)) for name, read in past_reads(desk).items()}
    assert all(found for found, _ in before.values()), before
    assert {name: found for name, (found, _) in after.items()} == {name: found for name, (found, _) in before.items()}
    # no row visited per later case (eight more cases): the R*Tree's depth may add a step or two
    assert {name: work - before[name][1] < 8 for name, (_, work) in after.items()} == dict.fromkeys(after, True), (
        before,
        after,
    )


def test_a_past_moments_reads_walk_no_range_of_rows_open_after_it(desk) -> None:
    """EXPLAIN: no statement of those reads searches a version index by `at_to > ?` (a range that
    holds every later row); the latest states are found by `at_from < ?`, the rest by the R*Tree."""
    desk.report("2018-03-01T10:00")
    later_cases(desk, 4, 2)
    for name, read in past_reads(desk).items():
        for statement in statements(desk.db, read):
            steps = plan(desk.db, statement, [])
            walks = [step for step in steps if "_versions" in step and "at_to>?" in step]
            assert not walks, (name, statement, steps)


def fold_taskings(states, agency: str, day: dt.date) -> list[dict]:
    """An agency's open taskings on open cases from folded states: `open_taskings_read` before
    issue 22, item 3 (a fold of the cases' activity)."""
    items = [
        {
            **{key: t[key] for key in ITEM_KEYS},
            "area": states[t["case"]].area,
            "category": states[t["case"]].category,
            "days_overdue": max(0, (day - dt.date.fromisoformat(t["due"])).days),
        }
        for t in folded_taskings(states)
        if t["status"] == "open" and t["case_open"] and t["tasked_agency"] == agency
    ]
    return sorted(items, key=lambda t: (-t["days_overdue"], t["due"], t["case"], t["tasking"]))


def window_rows(db, point: ReadPoint, since: str) -> list[dict]:
    """Every case received after `since` whose version holds the point, with the person window's
    fields, as `tasking.queries.intervals.received` reads them (before `people_window` keeps only
    the reports that could count)."""
    cursor = db.conn.execute(*received(f"reference, received_at, {', '.join(RECEIVED_FIELDS)}", since, point))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def window_of(rows: Iterable[dict[str, Any]], config: PartnershipConfig, at: dt.datetime) -> PeopleWindow:
    """The `PeopleWindow` of every report in `rows` (`window_rows`), grouped here in Python, with no
    group left out for its size: what the flags and prompts would be read from if `people_window`
    (grouped by SQLite, only the groups large enough to count) passed over no report."""
    rules, review = config.repeats, config.case_review
    place_since = iso(at - dt.timedelta(days=rules.location_days))
    person_since = iso(months_before(at, max(rules.person_months, review.application_within_months)))
    window = PeopleWindow({}, {}, {})
    for row in sorted(rows, key=itemgetter("received_at", "reference")):
        received_at, ref = row["received_at"], row["reference"]
        if received_at > place_since:
            place = f"{row['area']}|{row['place']}"
            window.places.setdefault(place, []).append((received_at, ref))
            window.locations[place] = row["location"]
        if received_at > person_since:
            for person in {row["reporter"], row["victim"]} - {None}:
                window.people.setdefault(person, []).append((received_at, ref, row["category"]))
    return window


def received_in(states: dict, since: str) -> list[dict]:
    """A fold's cases received after `since`, with the fields `window_rows` reads, in its order."""
    rows = [
        {
            "reference": ref,
            "received_at": s.received_at,
            **{field: getattr(s, "location_key" if field == "place" else field) for field in RECEIVED_FIELDS},
        }
        for ref, s in states.items()
        if s.received_at > since
    ]
    return sorted(rows, key=lambda row: (row["received_at"], row["reference"]))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(SETTINGS, max_examples=10)  # many points each: half the bitemporal properties' examples
@given(ops=st.lists(op, min_size=1, max_size=30), back=st.integers(0, 36))
def test_the_indexed_reads_equal_a_fresh_fold_at_every_point(backend: str, ops, back: int, tmp_path_factory) -> None:
    """At every position and at moments through the history (some commands back-dated by `back`
    hours), the version rows' states, due taskings, open cases and each agency's open taskings equal
    those of a fresh fold of the activity rows recorded by then."""
    with scratch_services(backend, tmp_path_factory.mktemp("past")) as services:
        people = seed_roster(services)
        refs: list[str] = []
        half = len(ops) // 2
        play(services, people, ops[:half], refs, dt.timedelta(0))
        play(services, people, ops[half:], refs, -dt.timedelta(hours=back))
        read = services.read(user="coordinator")
        db, head, agencies = read.db, read.point.position, sorted(read.config.agencies)
        for position in sorted({*range(0, head + 1, max(1, head // 6)), head}):
            for hours in (None, *range(-12, 24 * 3, 9)):
                moment = None if hours is None else START + dt.timedelta(hours=hours)
                point = ReadPoint(at=moment, position=position)
                folded = case_states(db, point)
                states = {ref: dataclasses.replace(s, rows=()) for ref, s in folded.items()}
                assert versioned_states(db, point) == states, point
                if moment is None:
                    continue
                day = local_date(moment)
                since = iso(moment - dt.timedelta(hours=30))
                assert window_rows(db, point, since) == received_in(folded, since), point
                received = {r: s for r, s in states.items() if s.received_at > since}
                assert received_since(db, point, since) == received, point
                # the flags and prompts from the reports that could count equal those from every report
                every = window_of(window_rows(db, point, iso(moment - WINDOW)), read.config, moment)
                whole = (every, incident_groups(db, point))
                # SQLite's groups are Python's, but for those too small to count towards anything
                rules, review = read.config.repeats, read.config.case_review
                least = min(rules.person_reports, review.prompt_reports)
                assert people_window(db, read.config, point) == PeopleWindow(
                    {key: items for key, items in every.places.items() if len(items) >= rules.location_reports},
                    {
                        key: every.locations[key]
                        for key, items in every.places.items()
                        if len(items) >= rules.location_reports
                    },
                    {key: items for key, items in every.people.items() if len(items) >= least},
                ), point
                for read_flags in (repeat_flags, case_review_alerts):
                    assert read_flags(db, read.config, point) == read_flags(db, read.config, point, whole), point
                assert due_taskings(db, point, day) == due_items(folded, day), point
                assert sorted(open_references(db, point)) == sorted(r for r, s in folded.items() if s.is_open), point
                for agency in agencies:
                    assert agency_taskings(db, point, agency, day) == fold_taskings(folded, agency, day), point


def test_an_agencys_taskings_keep_their_bytes_and_are_read_without_a_fold(desk) -> None:
    """`tasking taskings --agency`: the same items, keys in the same order, and no statement folds
    the `activity` rows (the restricted screen alone reads them, by case)."""
    ref = desk.report("2018-03-01T10:00", area="Hextable", category="noise")
    desk.send(RaiseTasking, when="2018-03-01T11:00", case=ref, agency="POLICE", action="Visit", due=dt.date(2018, 3, 2))
    read = desk.read()
    found: dict = {}
    sql = statements(read.db, lambda: found.update(open_taskings_read(read, "POLICE", None, at(MOMENT))))
    assert list(found["taskings"][0]) == [
        *("case", "tasking", "tasked_agency", "owner", "action", "due", "raised_at"),
        *("area", "category", "days_overdue"),
    ]
    assert found["taskings"][0]["action"] == "Visit" and found["taskings"][0]["days_overdue"] == 18
    assert found["taskings"][0]["area"] == "Hextable" and found["taskings"][0]["category"] == "noise"
    assert not [s for s in sql if "SELECT * FROM activity" in s], sql
    assert all("reference IN" in s for s in sql if " activity " in f"{s} "), sql
