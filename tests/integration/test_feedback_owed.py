"""Who is owed feedback, following the rule; on both backends."""

from __future__ import annotations

import datetime as dt

from tasking.commands import (
    CloseCase,
    CompleteTasking,
    RaiseTasking,
    RecordFollowUp,
    Refer,
    UpdateReporter,
    UsePower,
)
from tasking.queries.feedback import feedback_owed
from tests.conftest import Desk


def owed(desk: Desk, local: str) -> dict[str, dict]:
    return {item["case"]: item for item in feedback_owed(desk.db, desk.config, desk.read(local).point)}


def test_a_follow_up_makes_the_reporter_owed_and_an_update_clears_it(desk: Desk) -> None:
    case = desk.report("2018-03-05T10:00")
    assert case not in owed(desk, "2018-03-06T09:00")
    desk.send(RecordFollowUp, when="2018-03-06T15:00", case=case, kind="visit", outcome="x")
    item = owed(desk, "2018-03-07T09:00")[case]
    assert item == {
        "case": case,
        "owed_since": "2018-03-05T10:00:00Z",
        "actions_since_update": 1,
        "overdue_days": 0,
        "kind": "resident",
        "last_update": None,
        "due_by": "2018-03-19",
    }
    assert case not in owed(desk, "2018-03-06T14:00")  # as at a time before the follow-up
    desk.send(UpdateReporter, when="2018-03-07T10:00", case=case, channel="phone", note="Told")
    assert case not in owed(desk, "2018-03-08T09:00")


def test_a_new_follow_up_after_an_update_makes_the_case_owed_again(desk: Desk) -> None:
    case = desk.report("2018-03-05T10:00")
    desk.send(RecordFollowUp, when="2018-03-06T15:00", case=case, kind="visit", outcome="x")
    desk.send(UpdateReporter, when="2018-03-07T10:00", case=case, channel="phone", note="Told")
    desk.send(RecordFollowUp, when="2018-03-09T15:00", case=case, kind="call", outcome="y")
    item = owed(desk, "2018-03-12T09:00")[case]
    assert (item["owed_since"], item["actions_since_update"], item["last_update"]) == (
        "2018-03-09T15:00:00Z",
        1,
        "2018-03-07T10:00:00Z",
    )


def test_each_kind_of_action_counts(desk: Desk) -> None:
    case = desk.report("2018-03-05T10:00")
    t1 = desk.send(
        RaiseTasking, when="2018-03-05T11:00", case=case, agency="WARDENS", action="a", due=dt.date(2018, 3, 9)
    )["tasking"]
    assert case not in owed(desk, "2018-03-05T12:00")  # raising a tasking is not yet action taken
    desk.send(CompleteTasking, when="2018-03-06T11:00", case=case, tasking=t1, result="r")
    desk.send(UsePower, when="2018-03-07T11:00", case=case, power="CPW")
    desk.send(Refer, when="2018-03-08T11:00", case=case, to="mediation")
    desk.send(CloseCase, when="2018-03-09T11:00", case=case, reason="resolved")
    assert owed(desk, "2018-03-12T09:00")[case]["actions_since_update"] == 4


def test_overdue_counts_working_days_past_the_service_level(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00")
    desk.send(RecordFollowUp, when="2018-03-02T10:00", case=case, kind="visit", outcome="x")
    # Never updated, so the service level runs from the report on Thu 1 March: 10 working days
    # later is Thu 15 March, and Tue 20 March is 3 working days past it.
    assert owed(desk, "2018-03-20T09:00")[case]["overdue_days"] == 3


def test_after_an_update_the_service_level_runs_from_the_next_action(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00")
    desk.send(UpdateReporter, when="2018-03-02T10:00", case=case, channel="phone", note="Told")
    desk.send(RecordFollowUp, when="2018-03-05T10:00", case=case, kind="visit", outcome="x")
    item = owed(desk, "2018-03-20T09:00")[case]
    assert (item["due_by"], item["overdue_days"]) == ("2018-03-19", 1)


def test_a_report_with_no_update_is_listed_once_older_than_the_service_level(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00")
    assert case not in owed(desk, "2018-03-15T09:00")  # the 10th working day
    item = owed(desk, "2018-03-16T09:00")[case]
    assert (item["owed_since"], item["actions_since_update"], item["overdue_days"]) == ("2018-03-01T10:00:00Z", 0, 1)


def test_anonymous_and_declined_reporters_are_never_owed(desk: Desk) -> None:
    anonymous = desk.report("2018-03-01T10:00", anonymous=True)
    declined = desk.report("2018-03-01T10:00", no_feedback=True)
    for case in (anonymous, declined):
        desk.send(RecordFollowUp, when="2018-03-02T10:00", case=case, kind="visit", outcome="x")
    listed = owed(desk, "2018-04-20T09:00")
    assert anonymous not in listed and declined not in listed


def test_a_parish_council_gets_a_report_back(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00", source="PARISH", anonymous=True)
    desk.send(RecordFollowUp, when="2018-03-02T10:00", case=case, kind="visit", outcome="x")
    assert owed(desk, "2018-03-05T09:00")[case]["kind"] == "report-back"
    desk.send(UpdateReporter, when="2018-03-05T10:00", case=case, channel="report-back", note="Reported back")
    assert case not in owed(desk, "2018-03-06T09:00")


def test_no_personal_details_are_in_the_list(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00")
    desk.send(RecordFollowUp, when="2018-03-02T10:00", case=case, kind="visit", outcome="x")
    assert "Pat Smith" not in repr(owed(desk, "2018-03-05T09:00"))
