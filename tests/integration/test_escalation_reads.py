"""The briefing's case review alerts and risk reviews, and the escalation figures with --explain."""

from __future__ import annotations

from tasking.commands import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    LinkCases,
    MaracDiscuss,
    MaracMeetingsAdd,
    Refer,
    ReviewCase,
    TfgComplete,
    TfgOpen,
)
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.stats import explain, year_stats
from tests.conftest import Desk, at


def brief(desk: Desk, local: str) -> dict:
    return briefing(desk.read(), meeting_for(desk.config, at(local), at(local)))


def alerts(desk: Desk, local: str, kind: str) -> list[dict]:
    return [a for a in brief(desk, local)["case_review_alerts"] if a["kind"] == kind]


class TestSecondReportPrompt:
    def test_a_victim_with_two_asb_reports_in_six_months_is_prompted_by_reference_only(self, desk: Desk) -> None:
        victim = desk.people["victim"]
        first = desk.report("2017-10-02T10:00", reporter=None, anonymous=True, victim=victim)
        assert alerts(desk, "2018-03-05T09:00", "prompt") == []
        second = desk.report("2018-03-02T10:00", reporter=None, anonymous=True, victim=victim, location="High Street")
        found = alerts(desk, "2018-03-05T09:00", "prompt")
        assert [(a["person"], a["cases"], a["count"]) for a in found] == [(victim, [first, second], 2)]
        assert "Chris Doe" not in repr(brief(desk, "2018-03-05T09:00")["case_review_alerts"])

    def test_the_prompt_cites_the_statutory_guidance_only_at_meetings_after_it(self, desk: Desk) -> None:
        victim = desk.people["victim"]
        for when in ("2018-01-02T10:00", "2018-03-02T10:00", "2025-09-01T10:00", "2025-09-02T10:00"):
            desk.report(when, reporter=None, anonymous=True, victim=victim)
        before = alerts(desk, "2018-03-05T09:00", "prompt")[0]["prompt"]
        assert before == "Tell the victim about the ASB case review: 2 or more ASB reports in six months"
        after = alerts(desk, "2025-09-03T09:00", "prompt")[0]["prompt"]
        assert after == before + " (statutory guidance, September 2025)"

    def test_one_incident_twice_non_asb_reports_and_old_reports_do_not_prompt(self, desk: Desk) -> None:
        me = desk.people["resident"]
        desk.report("2017-08-01T10:00")  # more than six months before the meeting
        one = desk.report("2018-03-01T10:00")
        two = desk.report("2018-03-01T11:00", source="POLICE", reporter=None, anonymous=True, victim=me)
        desk.send(LinkCases, when="2018-03-01T12:00", case=two, to=one, reason="same-incident")
        desk.report("2018-03-02T10:00", category="domestic-abuse")
        assert alerts(desk, "2018-03-05T09:00", "prompt") == []
        desk.report("2018-03-02T11:00")
        assert [a["count"] for a in alerts(desk, "2018-03-05T09:00", "prompt")] == [2]

    def test_an_application_in_the_six_months_ends_the_prompt(self, desk: Desk) -> None:
        desk.report("2018-02-01T10:00")
        desk.report("2018-02-10T10:00")
        assert len(alerts(desk, "2018-03-05T09:00", "prompt")) == 1
        desk.send(CaseReviewApply, when="2018-03-01T10:00", applicant=desk.people["resident"])
        assert alerts(desk, "2018-03-05T09:00", "prompt") == []
        assert len(alerts(desk, "2018-02-28T09:00", "prompt")) == 1  # as at a meeting before the application


class TestOverdueMilestones:
    def test_each_overdue_milestone_is_listed_until_it_is_recorded(self, desk: Desk) -> None:
        cases = [desk.report(f"2018-02-0{d}T10:00") for d in (1, 2, 3)]
        review = desk.send(CaseReviewApply, when="2018-02-12T10:00", applicant=desk.people["resident"])["review"]
        assert alerts(desk, "2018-02-19T09:00", "overdue-milestone") == []  # acknowledge by Monday 19 February
        found = alerts(desk, "2018-02-20T09:00", "overdue-milestone")
        assert [(a["review"], a["milestone"], a["due"], a["days_overdue"]) for a in found] == [
            (review, "acknowledge", "2018-02-19", 1)
        ]
        assert found[0]["person"] == desk.people["resident"]
        desk.send(CaseReviewAcknowledge, when="2018-02-20T10:00", review=review)
        desk.send(CaseReviewAssess, when="2018-02-21T10:00", review=review)
        assert [a["milestone"] for a in alerts(desk, "2018-02-27T09:00", "overdue-milestone")] == ["decide"]
        assert alerts(desk, "2018-02-27T09:00", "overdue-milestone")[0]["cases"] == cases
        desk.send(CaseReviewDecide, when="2018-02-27T10:00", review=review, outcome="review", reason="Met")
        assert alerts(desk, "2018-03-05T09:00", "overdue-milestone") == []
        # Hold within 25 working days of the decision: by 5 April (Good Friday and Easter Monday skipped).
        assert [a["due"] for a in alerts(desk, "2018-04-09T09:00", "overdue-milestone")] == ["2018-04-05"]


class TestRiskReviewsDue:
    def test_a_review_restarts_the_cycle_and_days_since_are_shown(self, desk: Desk) -> None:
        case = desk.report("2018-01-01T10:00", risk="high")
        due = {r["case"]: r for r in brief(desk, "2018-01-16T09:00")["risk_reviews_due"]}
        assert due[case]["days_since_review"] == 15
        desk.send(ReviewCase, when="2018-01-16T10:00", case=case, note="Still high")
        assert case not in {r["case"] for r in brief(desk, "2018-01-17T09:00")["risk_reviews_due"]}
        assert brief(desk, "2018-01-31T09:00")["risk_reviews_due"][0]["days_since_review"] == 15


class TestFigures:
    def test_the_escalation_figures_and_their_explanations(self, desk: Desk) -> None:
        cases = [desk.report(f"2017-05-0{d}T10:00") for d in (1, 2, 3)]
        met = desk.send(CaseReviewApply, when="2017-06-01T10:00", applicant=desk.people["resident"])["review"]
        desk.send(CaseReviewAssess, when="2017-06-02T10:00", review=met)
        desk.send(CaseReviewDecide, when="2017-06-05T10:00", review=met, outcome="review", reason="Met")
        desk.send(CaseReviewHold, when="2017-06-20T10:00", review=met)
        for action in ("Visit", "Letter"):
            desk.send(
                CaseReviewRecommend,
                when="2017-06-20T11:00",
                review=met,
                agency="HOUSING",
                action=action,
                due=at("2017-07-01T12:00").date(),
            )
        not_met = desk.send(CaseReviewApply, when="2017-06-01T11:00", applicant=desk.people["victim"])["review"]
        desk.send(CaseReviewAssess, when="2017-06-02T11:00", review=not_met)
        groups = [
            desk.send(TfgOpen, when=when, focus="Shops", area="Swanley", reason="Repeats")["group"]
            for when in ("2016-12-01T10:00", "2017-06-01T10:00", "2017-07-01T10:00")
        ]
        desk.send(TfgComplete, when="2017-08-01T10:00", group=groups[1], outcome="Done")
        desk.send(TfgComplete, when="2018-05-01T10:00", group=groups[2], outcome="Done next year")
        desk.send(Refer, when="2017-09-01T10:00", case=cases[0], to="community-marac")
        for when in ("2017-09-20T10:00", "2017-10-18T10:00"):
            desk.send(MaracMeetingsAdd, when=when)
        desk.send(
            MaracDiscuss,
            case=cases[0],
            meeting=at("2017-09-20T12:00").date(),
            outcome="Visit",
            review_at=at("2017-10-18T12:00").date(),
        )
        desk.send(MaracDiscuss, case=cases[0], meeting=at("2017-10-18T12:00").date(), outcome="Done", discharge=True)
        position = desk.read().point.position
        figures = year_stats(desk.db, desk.config, 2017, position)
        assert figures["case_reviews"] == {
            "applications": 2,
            "threshold_not_met": 1,
            "reviews": 1,
            "reviews_with_recommendations": 1,
        }
        # ongoing: open at the end of the year, whenever it was opened (the 2016 group, and the one completed in May 2018)
        assert figures["task_and_finish_groups"] == {"opened": 2, "completed": 1, "ongoing": 2}
        assert figures["community_marac"] == {"meetings": 2, "cases_discussed": 1, "referrals": 1}
        assert figures["previous_year"]["case_reviews"]["applications"] == 0
        for figure, expected in [
            ("case_reviews.applications", [met, not_met]),
            ("case_reviews.threshold_not_met", [not_met]),
            ("case_reviews.reviews_with_recommendations", [cases[2]]),  # the case tasked
            ("task_and_finish_groups.ongoing", [groups[0], groups[2]]),
            ("community_marac.cases_discussed", [cases[0]]),
        ]:
            found = explain(desk.db, desk.config, 2017, position, figure)
            assert [item["case"] for item in found["items"]] == expected, figure
            head, name = figure.split(".")
            assert found["count"] == figures[head][name]
            if name == "reviews_with_recommendations":
                assert [item["detail"] for item in found["items"]] == [met]
        earlier = year_stats(desk.db, desk.config, 2017, position - 5)  # before the second meeting and the discussions
        assert earlier["community_marac"]["meetings"] < 2 and earlier["fingerprint"] != figures["fingerprint"]


def test_a_location_repeat_flag_suggests_a_group_until_one_is_open(desk: Desk) -> None:
    cases = [desk.report(f"2018-03-0{d}T10:00", reporter=None, anonymous=True) for d in (1, 2, 3)]
    flag = [f for f in brief(desk, "2018-03-05T09:00")["repeat_flags"] if f["rule"] == "location"][0]
    assert flag["candidate_group"] == {"focus": "Azalea Shops", "area": "Swanley", "cases": cases}
    group = desk.send(
        TfgOpen, when="2018-03-05T08:00", focus="Azalea Shops", area="Swanley", cases=[cases[0]], reason="Repeats"
    )["group"]
    flag = [f for f in brief(desk, "2018-03-05T09:00")["repeat_flags"] if f["rule"] == "location"][0]
    assert flag["candidate_group"] == {"covered_by": group}
