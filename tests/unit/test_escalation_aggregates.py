"""The escalation aggregates decide the order of their milestones, with no store and no clock."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.domain.case_review import CaseReview
from tasking.errors import DomainError
from tasking.domain.marac import MaracMeeting
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.time.instants import parse_datetime

WHO = ("coordinator", "COUNCIL")


def t(text: str) -> dt.datetime:
    return parse_datetime(text, "at")


def review() -> CaseReview:
    return CaseReview(
        reference="CR-2017-001",
        applicant="PER-00001",
        on_behalf_of=None,
        cases=[],
        user=WHO[0],
        agency=WHO[1],
        at=t("2018-03-01T10:00"),
    )


def assessed(met: bool = True) -> CaseReview:
    found = review()
    found.assess(
        *WHO, t("2018-03-02T10:00"), threshold_met=met, qualifying=[], excluded=[], rules_applied=[], met_by=[]
    )
    return found


class TestCaseReview:
    def test_decide_needs_an_assessment(self) -> None:
        with pytest.raises(DomainError, match="not assessed"):
            review().decide(*WHO, t("2018-03-05T10:00"), "review", "Met")

    def test_a_review_is_held_only_after_a_decision_to_review(self) -> None:
        found = assessed(met=False)
        found.decide(*WHO, t("2018-03-05T10:00"), "no-review", "Not met")
        with pytest.raises(DomainError, match="no decision to hold a review"):
            found.hold(*WHO, t("2018-03-20T10:00"), None)
        found.respond(*WHO, t("2018-03-06T10:00"), "Told")  # a decision not to review can be answered at once
        found.close(*WHO, t("2018-03-07T10:00"), None)
        with pytest.raises(DomainError, match="closed"):
            found.acknowledge(*WHO, t("2018-03-08T10:00"), None)

    def test_milestones_cannot_go_back_in_time_or_repeat(self) -> None:
        found = assessed()
        with pytest.raises(DomainError, match="before the assessment"):
            found.decide(*WHO, t("2018-03-01T12:00"), "review", "Met")
        found.decide(*WHO, t("2018-03-05T10:00"), "review", "Met")
        with pytest.raises(DomainError, match="already decided"):
            found.decide(*WHO, t("2018-03-06T10:00"), "review", "Again")
        with pytest.raises(DomainError, match="no response"):
            found.close(*WHO, t("2018-03-06T10:00"), None)

    def test_recommendations_are_numbered_and_come_before_the_response(self) -> None:
        found = assessed()
        found.decide(*WHO, t("2018-03-05T10:00"), "review", "Met")
        found.hold(*WHO, t("2018-03-20T10:00"), None)
        numbers = [
            found.recommend(
                *WHO, t("2018-03-20T11:00"), "HOUSING", "Visit", dt.date(2018, 4, 1), "CSU-2017-00001", f"T{n}"
            )
            for n in (1, 2)
        ]
        assert numbers == ["R1", "R2"]
        found.respond(*WHO, t("2018-03-21T10:00"), "Told")
        with pytest.raises(DomainError, match="already responded"):
            found.recommend(*WHO, t("2018-03-22T11:00"), "HOUSING", "Late", dt.date(2018, 4, 1), "CSU-2017-00001", "T3")


class TestTaskAndFinishGroup:
    def test_actions_are_numbered_and_a_completed_group_refuses_more(self) -> None:
        group = TaskAndFinishGroup(
            reference="TFG-2017-01",
            focus="Azalea Shops",
            area="Swanley",
            cases=[],
            reason="Repeats",
            user=WHO[0],
            agency=WHO[1],
            at=t("2018-03-05T10:00"),
        )
        assert group.raise_action(*WHO, t("2018-03-05T10:10"), "POLICE", "Patrols", dt.date(2018, 3, 20)) == "A1"
        with pytest.raises(DomainError, match="due"):
            group.raise_action(*WHO, t("2018-03-05T10:10"), "POLICE", "Patrols", dt.date(2018, 3, 1))
        group.complete(*WHO, t("2018-04-05T10:00"), "Done")
        with pytest.raises(DomainError, match="completed"):
            group.add_case(*WHO, t("2018-04-06T10:00"), "CSU-2017-00001")


class TestMaracMeeting:
    def test_review_at_must_follow_the_meeting_and_exclude_discharge(self) -> None:
        meeting = MaracMeeting(meeting_day="2017-09-20", user=WHO[0], agency=WHO[1], at=t("2017-09-20T10:00"))
        with pytest.raises(DomainError, match="not after the meeting"):
            meeting.discuss(*WHO, "CSU-2017-00001", "x", [], dt.date(2017, 9, 20), False)
        with pytest.raises(DomainError, match="not both"):
            meeting.discuss(*WHO, "CSU-2017-00001", "x", [], dt.date(2017, 10, 18), True)
        meeting.discuss(*WHO, "CSU-2017-00001", "x", [], dt.date(2017, 10, 18), False)
        assert meeting.discussed == ["CSU-2017-00001"]
