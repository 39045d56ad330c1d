"""The morning briefing holds exactly the reports of its window, on both backends."""

from __future__ import annotations

import datetime as dt

from tasking.commands import CompleteTasking, RaiseTasking
from tasking.queries.briefing import briefing, meeting_for
from tests.conftest import Desk, at


def brief(desk: Desk, local: str, **recorded: object) -> dict:
    return briefing(desk.read(**recorded), meeting_for(desk.config, at(local), at(local)))


def cases_in(result: dict) -> set[str]:
    return {item["case"] for item in result["new_reports"]}


def test_monday_holds_friday_after_nine_to_monday_nine(desk: Desk) -> None:
    before = desk.report("2018-03-02T09:00")  # at Friday's meeting: Friday's queue
    inside = [desk.report(t) for t in ("2018-03-02T09:00:01", "2018-03-03T23:59", "2018-03-05T09:00")]
    after = desk.report("2018-03-05T09:00:01")
    result = brief(desk, "2018-03-05T09:00")
    assert result["window"] == {"from": "2018-03-02T09:00:00Z", "to": "2018-03-05T09:00:00Z"}
    assert cases_in(result) == set(inside)
    assert before not in cases_in(result) and after not in cases_in(result)


def test_the_tuesday_after_easter_monday_holds_the_long_weekend(desk: Desk) -> None:
    desk.report("2018-03-29T08:59")
    inside = [desk.report(t) for t in ("2018-03-29T09:30", "2018-03-30T12:00", "2018-04-02T18:00", "2018-04-03T08:59")]
    desk.report("2018-04-03T09:01")
    assert cases_in(brief(desk, "2018-04-03T09:00")) == set(inside)
    assert brief(desk, "2018-04-03T09:00")["window"]["from"] == "2018-03-29T08:00:00Z"


def test_the_morning_after_the_spring_change_loses_and_doubles_no_hour(desk: Desk) -> None:
    # Clocks went forward at 01:00 UTC on Sunday 25 March 2018.
    times = ["2018-03-23T09:00:01", "2018-03-25T00:30", "2018-03-25T02:30+01:00", "2018-03-26T08:59:59"]
    inside = [desk.report(t) for t in times]
    outside = [desk.report("2018-03-26T09:00:01"), desk.report("2018-03-23T08:59")]
    result = brief(desk, "2018-03-26T09:00")
    assert cases_in(result) == set(inside)
    assert not cases_in(result) & set(outside)
    # And the next morning picks up exactly what came after.
    assert cases_in(brief(desk, "2018-03-27T09:00")) == {outside[0]}


def test_new_reports_are_ordered_by_risk_then_repeat_then_time(desk: Desk) -> None:
    standard = desk.report("2018-03-03T10:00", location="Church Road", anonymous=True)
    high = desk.report("2018-03-04T10:00", risk="high", location="Mill Lane", anonymous=True)
    repeats = [
        desk.report(f"2018-03-0{d}T08:00", location="azalea shops", reporter=None, anonymous=True) for d in (3, 4, 5)
    ]
    order = [item["case"] for item in brief(desk, "2018-03-05T09:00")["new_reports"]]
    assert order == [high, *repeats, standard]


def test_due_taskings_show_days_overdue_until_completed(desk: Desk) -> None:
    case = desk.report("2018-03-01T10:00")
    t1 = desk.send(
        RaiseTasking, when="2018-03-01T11:00", case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 2)
    )["tasking"]
    desk.send(
        RaiseTasking, when="2018-03-01T11:00", case=case, agency="POLICE", action="Visit", due=dt.date(2018, 3, 9)
    )
    due = brief(desk, "2018-03-05T09:00")["due_taskings"]
    assert [(d["case"], d["tasking"], d["tasked_agency"], d["days_overdue"]) for d in due] == [(case, t1, "WARDENS", 3)]
    desk.send(CompleteTasking, user="warden.grange", when="2018-03-05T12:00", case=case, tasking=t1, result="Done")
    assert brief(desk, "2018-03-05T09:00")["due_taskings"][0]["tasking"] == t1  # still open at that meeting
    assert brief(desk, "2018-03-06T09:00")["due_taskings"] == []


def test_the_briefing_json_has_the_contract_keys(desk: Desk) -> None:
    result = brief(desk, "2018-03-05T09:00")
    assert {
        "meeting",
        "window",
        "new_reports",
        "due_taskings",
        "feedback_owed",
        "repeat_flags",
        "case_review_alerts",
    } <= set(result)


def test_risk_reviews_are_judged_as_at_the_meeting(desk: Desk) -> None:
    from tasking.commands import AssessRisk, CloseCase

    case = desk.report("2018-02-01T10:00", risk="high", anonymous=True)
    assert [r["case"] for r in brief(desk, "2018-02-14T09:00")["risk_reviews_due"]] == []
    assert [r["case"] for r in brief(desk, "2018-02-16T09:00")["risk_reviews_due"]] == [case]
    desk.send(AssessRisk, when="2018-02-20T10:00", case=case, level="high", reason="Reviewed")
    desk.send(CloseCase, when="2018-03-20T10:00", case=case, reason="resolved")
    # Later events do not rewrite what was due on 16 February ...
    assert [r["case"] for r in brief(desk, "2018-02-16T09:00")["risk_reviews_due"]] == [case]
    # ... the review resets the cycle, and the closure ends it.
    assert brief(desk, "2018-03-05T09:00")["risk_reviews_due"] == []
    assert [r["case"] for r in brief(desk, "2018-03-07T09:00")["risk_reviews_due"]] == [case]
    assert brief(desk, "2018-03-21T09:00")["risk_reviews_due"] == []


def test_a_same_incident_link_does_not_make_a_repeat(desk: Desk) -> None:
    from tasking.commands import LinkCases

    # The same resident reports one incident to the council and to the police: two reports, one incident.
    first = desk.report("2018-03-03T10:00", location="Mill Lane")
    second = desk.report("2018-03-03T10:05", location="Mill Lane", source="POLICE")
    unlinked = {r["case"]: r["repeat"] for r in brief(desk, "2018-03-05T09:00")["new_reports"]}
    assert unlinked == {first: True, second: True}  # two reports by one person: a repeat, until linked
    desk.send(LinkCases, when="2018-03-03T11:00", case=second, to=first, reason="same-incident")
    assert [r["repeat"] for r in brief(desk, "2018-03-05T09:00")["new_reports"]] == [False, False]
    third = desk.report("2018-03-04T10:00", location="Station Road", anonymous=True)
    desk.send(LinkCases, when="2018-03-04T11:00", case=third, to=first, reason="same-problem")
    repeats = {r["case"]: r["repeat"] for r in brief(desk, "2018-03-05T09:00")["new_reports"]}
    assert repeats == {first: True, second: False, third: True}


def test_a_link_recorded_after_a_meeting_changes_neither_that_meeting_nor_an_earlier_position(desk: Desk) -> None:
    from tasking.commands import LinkCases

    first = desk.report("2018-03-03T10:00", location="Mill Lane")
    second = desk.report("2018-03-04T10:05", location="Church Road", source="POLICE")
    position = desk.read().point.position
    before = brief(desk, "2018-03-05T09:00")
    assert [r["repeat"] for r in before["new_reports"]] == [True, True]  # one resident, two reports
    desk.send(LinkCases, when="2018-03-07T11:00", case=second, to=first, reason="same-incident")
    now = brief(desk, "2018-03-05T09:00")  # a read records its access after it: the position moves on
    assert now == {**before, "position": now["position"]} and now["position"] > position  # as at the meeting
    assert brief(desk, "2018-03-05T09:00", position=position) == before  # as recorded then
    assert [r["repeat"] for r in brief(desk, "2018-03-08T09:00")["new_reports"]] == []
    assert brief(desk, "2018-03-08T09:00")["repeat_flags"] == []  # after the link: one incident, no repeat
