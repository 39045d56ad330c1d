"""`case_versions.owed_day`: the Europe/London date of `owed_since`, kept by the state projection in
every version (a back-dated update moves it), the same after a replay, and the day feedback owed
counts its service level from across the clocks changing."""

from __future__ import annotations

import datetime as dt

from tasking.commands import RecordFollowUp, UpdateReporter
from tasking.projections.runner import Views
from tasking.queries.feedback import feedback_owed
from tasking.time.instants import local_date
from tasking.time.meetings import add_working_days
from tests.conftest import Desk


def owed_rows(db) -> list[tuple]:
    return db.execute(
        "SELECT reference, at_from, position_from, owed_since, owed_day FROM case_versions ORDER BY 1, 2, 3"
    ).fetchall()


def test_the_owed_day_is_the_local_date_of_owed_since_in_every_version_and_after_a_replay(desk: Desk, tmp_path) -> None:
    spring = desk.report("2018-03-26T00:30")  # 23:30 UTC on Sunday 25 March: the clocks went forward that morning
    autumn = desk.report("2018-10-28T00:30")  # 23:30 UTC on Saturday 27 October, before they went back
    winter = desk.report("2018-12-24T23:30")  # Christmas Eve, GMT: the UTC and local dates agree
    for case in (spring, autumn, winter):
        desk.send(RecordFollowUp, when="2019-01-02T10:00", case=case, kind="visit", outcome="x")
    # Back-dated: an update, then an action after it, move owed_since in the later versions only.
    desk.send(UpdateReporter, when="2018-11-01T10:00", case=autumn, channel="phone", note="Told")
    desk.send(RecordFollowUp, when="2018-11-02T00:30", case=autumn, kind="call", outcome="y")
    rows = owed_rows(desk.db)
    days = {(ref, since): day for ref, _, _, since, day in rows}
    assert days[(spring, "2018-03-25T23:30:00Z")] == "2018-03-26"
    assert days[(autumn, "2018-10-27T23:30:00Z")] == "2018-10-28"
    assert days[(autumn, "2018-11-02T00:30:00Z")] == "2018-11-02"
    assert days[(winter, "2018-12-24T23:30:00Z")] == "2018-12-24"
    for _, _, _, since, day in rows:
        expected = since and local_date(dt.datetime.fromisoformat(since)).isoformat()
        assert day == expected, (since, day)
    for batch in (1, 1000):  # a replay, one event at a time and in batches, keeps the same rows
        replayed = Views(str(tmp_path / f"replayed-{batch}.db"))
        replayed.catch_up(desk.services.app, batch=batch)
        assert owed_rows(replayed.db) == rows
        replayed.close()


def test_the_service_level_counts_from_the_local_day_across_the_clocks_changing(desk: Desk) -> None:
    spring = desk.report("2018-03-26T00:30")  # local Monday 26 March, UTC Sunday 25 March
    autumn = desk.report("2018-10-28T00:30")  # local Sunday 28 October, UTC Saturday 27 October
    level = desk.config.feedback.service_level_working_days
    items = {i["case"]: i for i in feedback_owed(desk.db, desk.config, desk.read("2019-01-07T09:00").point)}
    for case, day in ((spring, dt.date(2018, 3, 26)), (autumn, dt.date(2018, 10, 28))):
        assert items[case]["due_by"] == add_working_days(day, level).isoformat()
    # Ten working days from Mon 26 March (Good Friday 30 March, Easter Monday 2 April) is Wed 11
    # April; from the UTC date, Sun 25 March, it would be Tue 10 April.
    assert items[spring]["due_by"] == "2018-04-11"


def test_the_list_is_most_overdue_first_then_longest_owed_then_by_reference(desk: Desk) -> None:
    """The order SQL gives (`owed_since`, then reference) is the documented one."""
    times = ["2018-03-01T10:00", "2018-03-01T10:00", "2018-03-02T09:00", "2018-03-02T18:00", "2018-03-20T10:00"]
    for when in times:
        case = desk.report(when)
        desk.send(RecordFollowUp, when="2018-03-21T10:00", case=case, kind="visit", outcome="x")
    items = feedback_owed(desk.db, desk.config, desk.read("2018-03-22T09:00").point)
    assert len(items) == len(times)
    assert [i["overdue_days"] for i in items] == [5, 5, 4, 4, 0]
    assert items == sorted(items, key=lambda i: (-i["overdue_days"], i["owed_since"], i["case"]))
