"""Case reviews, Task and Finish groups, the Community MARAC and risk reviews through the real
handlers, on both backends."""

from __future__ import annotations

import pytest

from tasking.commands import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
    CloseCase,
    CorrectCase,
    LinkCases,
    MaracDiscuss,
    MaracMeetingsAdd,
    ReviewCase,
    TfgAction,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
)
from tasking.commands.escalation import MaracActionItem
from tasking.errors import DomainError
from tasking.queries.case_reviews import case_review, case_reviews
from tasking.queries.marac import marac_agenda
from tasking.queries.task_and_finish import task_and_finish_group
from tests.conftest import Desk, at


def point(desk: Desk, local: str):
    return desk.read(local).point


def position(desk: Desk) -> int:
    return desk.read().point.position


def apply_and_assess(desk: Desk, applied: str = "2018-03-01T10:00", assessed: str = "2018-03-02T10:00", **fields):
    review = desk.send(CaseReviewApply, when=applied, applicant=desk.people["resident"], **fields)["review"]
    return review, desk.send(CaseReviewAssess, when=assessed, review=review)


class TestAssess:
    def test_names_every_report_considered_and_not_counted_with_its_reason(self, desk: Desk) -> None:
        me = desk.people["resident"]
        first = desk.report("2018-02-01T08:00")
        same = desk.report("2018-02-01T09:00", source="POLICE", reporter=None, anonymous=True, victim=me)
        desk.send(LinkCases, when="2018-02-02T09:00", case=same, to=first, reason="same-incident")
        not_asb = desk.report("2018-02-05T08:00", category="domestic-abuse")
        late = desk.report("2018-02-06T08:00", occurred_at=at("2017-12-20T21:00"))
        old = desk.report("2017-08-01T08:00")
        second = desk.report("2018-02-10T08:00")
        review, result = apply_and_assess(desk)
        assert review == "CR-2017-001"
        assert result["qualifying"] == [first, second]
        assert result["threshold_met"] is False
        assert result["excluded"] == [
            {"case": old, "reason": "received more than six months before the application"},
            {"case": same, "reason": f"same incident as {first}"},
            {"case": not_asb, "reason": "not an ASB category"},
            {"case": late, "reason": "received more than one month after the behaviour"},
        ]
        assert result["rules_applied"] == ["threshold: 3 qualifying complaints"]

    def test_a_named_case_counts_and_the_record_is_taken_as_at_the_assessment(self, desk: Desk) -> None:
        neighbour = desk.report("2018-02-01T08:00", reporter=None, anonymous=True)
        mine = [desk.report(f"2018-02-0{d}T08:00") for d in (2, 3)]
        desk.send(
            CorrectCase,
            when="2018-03-10T09:00",
            case=mine[0],
            field="category",
            value="domestic-abuse",
            reason="Recoded",
        )  # effective after the assessment: not seen by it
        _, result = apply_and_assess(desk, cases=[neighbour])
        assert result["qualifying"] == [neighbour, *mine]
        assert result["threshold_met"] is True

    def test_a_complaint_recorded_after_the_assessment_does_not_change_it(self, desk: Desk) -> None:
        for d in (2, 3):
            desk.report(f"2018-02-0{d}T08:00")
        review, result = apply_and_assess(desk)
        assert result["threshold_met"] is False
        desk.report("2018-02-04T08:00")  # back-dated before the assessment, recorded after it
        shown = case_review(desk.db, desk.config, review, point(desk, "2018-03-05T10:00"))
        assert shown["threshold_met"] is False and shown["qualifying"] == result["qualifying"]
        with pytest.raises(DomainError, match="already assessed"):
            desk.send(CaseReviewAssess, when="2018-03-03T10:00", review=review)


class TestMilestones:
    def test_the_whole_path_to_a_recommendation_raised_as_a_tasking(self, desk: Desk) -> None:
        cases = [desk.report(f"2018-02-0{d}T08:00") for d in (1, 2, 3)]
        review, result = apply_and_assess(desk)
        assert result["threshold_met"]
        desk.send(CaseReviewAcknowledge, when="2018-03-02T11:00", review=review)
        desk.send(CaseReviewDecide, when="2018-03-05T10:00", review=review, outcome="review", reason="Threshold met")
        with pytest.raises(DomainError, match="has not been held"):
            desk.send(
                CaseReviewRecommend,
                when="2018-03-06T10:00",
                review=review,
                agency="HOUSING",
                action="Visit",
                due=at("2018-04-01T00:00").date(),
            )
        desk.send(CaseReviewHold, when="2018-03-20T14:00", review=review)
        made = desk.send(
            CaseReviewRecommend,
            when="2018-03-20T15:00",
            review=review,
            agency="HOUSING",
            action="Tenancy enforcement visit",
            due=at("2018-04-06T12:00").date(),
        )
        assert made == {"review": review, "recommendation": "R1", "case": cases[-1], "tasking": "T1"}
        task = desk.services.app.get_case(cases[-1]).taskings["T1"]
        assert task["agency"] == "HOUSING" and task["due"] == "2018-04-06"
        desk.send(CaseReviewRespond, when="2018-03-22T10:00", review=review, note="Outcome letter sent")
        desk.send(CaseReviewClose, when="2018-03-23T10:00", review=review)
        shown = case_review(desk.db, desk.config, review, point(desk, "2018-04-01T10:00"))
        assert shown["status"] == "closed" and shown["recommendations"][0]["tasking"] == "T1"

    def test_a_recommendation_on_a_closed_case_writes_nothing(self, desk: Desk) -> None:
        cases = [desk.report(f"2018-02-0{d}T08:00") for d in (1, 2, 3)]
        review, _ = apply_and_assess(desk)
        desk.send(CaseReviewDecide, when="2018-03-05T10:00", review=review, outcome="review", reason="Met")
        desk.send(CaseReviewHold, when="2018-03-20T14:00", review=review)
        desk.send(CloseCase, when="2018-03-20T14:30", case=cases[0], reason="resolved")
        before = position(desk)
        with pytest.raises(DomainError, match="closed"):
            desk.send(
                CaseReviewRecommend,
                when="2018-03-20T15:00",
                review=review,
                agency="HOUSING",
                action="Visit",
                due=at("2018-04-06T12:00").date(),
                case=cases[0],
            )
        assert position(desk) == before

    def test_overdue_milestones_follow_working_days(self, desk: Desk) -> None:
        desk.report("2018-02-01T08:00")
        review = desk.send(CaseReviewApply, when="2018-03-28T10:00", applicant=desk.people["resident"])["review"]
        # Five working days after Wednesday 28 March 2018 skip Good Friday and Easter Monday: Friday 6 April.
        items = case_reviews(desk.db, desk.config, point(desk, "2018-04-06T17:00"))
        assert items[0]["deadlines"]["acknowledge"] == "2018-04-06" and items[0]["overdue"] == []
        items = case_reviews(desk.db, desk.config, point(desk, "2018-04-09T09:00"))
        assert items[0]["overdue"] == [{"milestone": "acknowledge", "due": "2018-04-06", "days_overdue": 3}]
        desk.send(CaseReviewAcknowledge, when="2018-04-09T10:00", review=review)
        assert case_reviews(desk.db, desk.config, point(desk, "2018-04-09T09:00"))[0]["overdue"]  # as at then
        assert case_reviews(desk.db, desk.config, point(desk, "2018-04-09T11:00"))[0]["overdue"] == []


class TestTaskAndFinish:
    def test_a_group_opens_acts_meets_and_completes(self, desk: Desk) -> None:
        case = desk.report("2018-02-01T08:00")
        group = desk.send(
            TfgOpen,
            when="2018-03-05T11:00",
            focus="Azalea Shops youth nuisance",
            area="swanley",
            cases=[case],
            reason="Repeat reports",
        )["group"]
        assert group == "TFG-2017-01"
        action = desk.send(
            TfgAction,
            when="2018-03-05T11:10",
            group=group,
            agency="WARDENS",
            action="Evening patrols",
            due=at("2018-03-30T12:00").date(),
        )
        assert action["action"] == "A1"
        desk.send(TfgMeet, when="2018-03-12T14:00", group=group, note="Patrol plan agreed")
        desk.send(TfgCompleteAction, when="2018-03-20T14:00", group=group, action="A1", result="Done")
        desk.send(TfgComplete, when="2018-03-28T14:00", group=group, outcome="Reports down")
        shown = task_and_finish_group(desk.db, group, point(desk, "2018-03-20T15:00"))
        assert shown["status"] == "open" and shown["area"] == "Swanley" and shown["actions"][0]["status"] == "completed"
        assert task_and_finish_group(desk.db, group, point(desk, "2018-04-01T00:00"))["status"] == "completed"
        with pytest.raises(DomainError, match="completed"):
            desk.send(TfgMeet, when="2018-04-02T14:00", group=group, note="Too late")


class TestMarac:
    def test_discussion_raises_taskings_and_keeps_the_case_under_review(self, desk: Desk) -> None:
        from tasking.commands import Refer

        case = desk.report("2017-09-01T08:00", risk="medium")
        other = desk.report("2017-09-02T08:00")
        desk.send(Refer, when="2017-09-05T10:00", case=case, to="community-marac")
        for when in ("2017-09-20T10:00", "2017-10-18T10:00"):
            desk.send(MaracMeetingsAdd, when=when)
        agenda = marac_agenda(desk.db, point(desk, "2017-09-01T00:00"), "2017-09-20")
        assert [(i["case"], i["why"], i["risk"]) for i in agenda["items"]] == [(case, "referred", "medium")]
        made = desk.send(
            MaracDiscuss,
            case=case,
            meeting=at("2017-09-20T12:00").date(),
            outcome="Joint visit",
            actions=[MaracActionItem(agency="POLICE", action="Joint visit", due=at("2017-09-29T12:00").date())],
            review_at=at("2017-10-18T12:00").date(),
        )
        assert made == {"meeting": "2017-09-20", "case": case, "taskings": ["T1"]}
        desk.send(Refer, when="2017-10-01T10:00", case=other, to="community-marac")
        agenda = marac_agenda(desk.db, point(desk, "2017-09-01T00:00"), "2017-10-18")
        items = {i["case"]: i for i in agenda["items"]}
        assert items[other]["why"] == "referred" and items[case]["why"] == "under review"
        assert [a["tasking"] for a in items[case]["open_actions"]] == ["T1"]
        with pytest.raises(DomainError, match="already discussed"):
            desk.send(MaracDiscuss, case=case, meeting=at("2017-09-20T12:00").date(), outcome="Again", discharge=True)


class TestRiskReview:
    def test_a_review_keeps_or_changes_the_level(self, desk: Desk) -> None:
        case = desk.report("2018-02-01T08:00", risk="medium")
        assert desk.send(ReviewCase, when="2018-02-20T10:00", case=case, note="Still medium") == {
            "case": case,
            "risk": "medium",
        }
        assert desk.send(ReviewCase, when="2018-03-01T10:00", case=case, note="Worse", level="high")["risk"] == "high"
