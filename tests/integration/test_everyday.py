"""Issue 10: what a new coordinator and analyst tripped on, through the real handlers and views."""

from __future__ import annotations

import datetime as dt

import pytest
from structlog.testing import capture_logs

from tasking.commands import (
    AcknowledgeFlag,
    AssignLead,
    CloseCase,
    RaiseTasking,
    RecordFollowUp,
    ReassignTasking,
    UpdateReporter,
)
from tasking.errors import DomainError
from tasking.queries.audit import audit, show
from tasking.queries.feedback import feedback_owed
from tasking.queries.repeats import repeat_flags
from tasking.queries.stats import explain
from tests.conftest import Desk, at


def events(desk: Desk, case: str) -> list[str]:
    return [entry["event"] for entry in audit(desk.read(), case)["entries"]]


class TestLeadOfficer:
    """Item 2: `tasking assign CASE --lead USER`."""

    def test_assigning_a_lead_records_it_on_the_case(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T08:00")
        result = desk.send(AssignLead, when="2018-03-05T09:30", case=case, lead="sgt.jones")
        assert result == {"case": case, "lead": "sgt.jones"}
        assert events(desk, case)[-1] == "LeadAssigned"
        assert show(desk.read(), case)["lead"] == "sgt.jones"

    def test_an_unknown_user_cannot_lead(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T08:00")
        with pytest.raises(DomainError, match="lead: unknown user 'nobody'"):
            desk.send(AssignLead, when="2018-03-05T09:30", case=case, lead="nobody")
        assert events(desk, case) == ["Reported"]


class TestClosingWithOpenTaskings:
    """Item 5: `close` refuses while taskings are open, unless it completes them in the same command."""

    def test_close_is_refused_naming_the_open_taskings(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T08:00")
        for agency in ("WARDENS", "POLICE"):
            desk.send(
                RaiseTasking, when="2018-03-05T09:30", case=case, agency=agency, action="a", due=dt.date(2018, 3, 9)
            )
        with pytest.raises(DomainError, match=r"case: .* open taskings: T1 \(WARDENS\), T2 \(POLICE\)"):
            desk.send(CloseCase, when="2018-03-06T10:00", case=case, reason="resolved")
        assert events(desk, case)[-1] == "TaskingRaised"

    def test_complete_taskings_completes_them_and_closes_in_one_save(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T08:00")
        for agency in ("WARDENS", "POLICE"):
            desk.send(
                RaiseTasking, when="2018-03-05T09:30", case=case, agency=agency, action="a", due=dt.date(2018, 3, 9)
            )
        before = desk.services.app.event_count()
        desk.send(
            CloseCase, when="2018-03-06T10:00", case=case, reason="resolved", complete_taskings="Closed with the case"
        )
        assert desk.services.app.event_count() == before + 3
        assert events(desk, case)[-3:] == ["TaskingCompleted", "TaskingCompleted", "Closed"]
        taskings = show(desk.read(), case)["taskings"]
        assert [(t["status"], t["result"]) for t in taskings] == [("completed", "Closed with the case")] * 2


class TestReporterToldAtClosure:
    """Item 4: a closure with `--reporter-told` creates no new feedback debt."""

    def test_a_closure_with_reporter_told_owes_nothing(self, desk: Desk) -> None:
        case = desk.report("2018-03-01T08:00")
        desk.send(RecordFollowUp, when="2018-03-02T10:00", case=case, kind="visit", outcome="x")
        desk.send(UpdateReporter, when="2018-03-05T10:00", case=case, channel="phone", note="Told of the visit")
        desk.send(CloseCase, when="2018-03-05T10:05", case=case, reason="resolved", reporter_told="phone")
        assert events(desk, case)[-2:] == ["Closed", "ReporterUpdated"]
        assert [f["case"] for f in feedback_owed(desk.db, desk.config, desk.read("2018-03-30T09:00").point)] == []

    def test_a_closure_without_it_is_owed_as_before(self, desk: Desk) -> None:
        case = desk.report("2018-03-01T08:00")
        desk.send(UpdateReporter, when="2018-03-05T10:00", case=case, channel="phone", note="Told")
        desk.send(CloseCase, when="2018-03-05T10:05", case=case, reason="resolved")
        assert [f["case"] for f in feedback_owed(desk.db, desk.config, desk.read("2018-03-30T09:00").point)] == [case]


class TestAgencyCodes:
    """Item 11: agency codes in any case, stored as the partnership spells them."""

    def test_lower_case_agency_codes_are_accepted(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T08:00", source="council")
        desk.send(
            RaiseTasking, when="2018-03-05T09:30", case=case, agency="wardens", action="a", due=dt.date(2018, 3, 9)
        )
        desk.send(ReassignTasking, when="2018-03-05T09:40", case=case, tasking="T1", agency="Police")
        assert desk.db.execute("SELECT source FROM cases").fetchone()[0] == "COUNCIL"
        assert desk.db.execute("SELECT tasked_agency FROM taskings").fetchone()[0] == "POLICE"
        assert show(desk.read(), case)["taskings"][0]["tasked_agency"] == "POLICE"


def person_flags(desk: Desk, local: str) -> list[dict]:
    return [f for f in repeat_flags(desk.db, desk.config, desk.read(local).point) if f["rule"] == "person"]


class TestRepeatFlagsAnswered:
    """Item 3: a flag has a stable reference, can be acknowledged, and wakes up on a new report."""

    def test_an_acknowledged_flag_stays_quiet_until_a_new_report_joins_it(self, desk: Desk) -> None:
        victim = desk.people["victim"]
        first = desk.report("2018-01-10T10:00", reporter=victim, location="A")
        second = desk.report("2018-02-10T10:00", victim=victim, location="B")
        flag = person_flags(desk, "2018-02-12T09:00")[0]
        assert flag["flag"].startswith("P-") and flag["cases"] == [first, second]
        assert person_flags(desk, "2018-03-12T09:00")[0]["flag"] == flag["flag"]  # stable from day to day
        desk.send(
            AcknowledgeFlag,
            when="2018-02-12T09:30",
            flag=flag["flag"],
            cases=tuple(flag["cases"]),
            note="Victim told of the case review",
        )
        assert person_flags(desk, "2018-02-12T09:00") != []  # the acknowledgement came after that meeting
        assert person_flags(desk, "2018-02-13T09:00") == []
        assert person_flags(desk, "2018-05-01T09:00") == []
        third = desk.report("2018-05-02T10:00", reporter=victim, location="C")
        woken = person_flags(desk, "2018-05-03T09:00")
        assert [(f["flag"], f["cases"]) for f in woken] == [(flag["flag"], [first, second, third])]

    def test_the_same_cases_cannot_be_acknowledged_twice(self, desk: Desk) -> None:
        victim = desk.people["victim"]
        cases = (desk.report("2018-01-10T10:00", reporter=victim), desk.report("2018-02-10T10:00", reporter=victim))
        flag = person_flags(desk, "2018-02-12T09:00")[0]["flag"]
        desk.send(AcknowledgeFlag, when="2018-02-12T09:30", flag=flag, cases=cases, note="Told")
        with pytest.raises(DomainError, match="flag: .* already acknowledged"):
            desk.send(AcknowledgeFlag, when="2018-02-12T09:40", flag=flag, cases=cases, note="Told")

    def test_the_case_review_prompt_cites_the_guidance_only_after_it(self, desk: Desk) -> None:
        victim = desk.people["victim"]
        desk.report("2018-01-10T10:00", reporter=victim)
        desk.report("2018-02-10T10:00", reporter=victim)
        prompt = person_flags(desk, "2018-02-12T09:00")[0]["prompt"]
        assert "case review" in prompt and "2025" not in prompt
        desk.report("2025-10-01T10:00", reporter=victim)
        desk.report("2025-10-10T10:00", reporter=victim)
        assert "September 2025" in person_flags(desk, "2025-10-13T09:00")[0]["prompt"]


class TestRefusedContactDetails:
    """Item 12: a refused contact detail is logged by field and rule, never by value."""

    def test_the_refusal_is_logged_without_the_value(self, desk: Desk) -> None:
        from tasking.cli.context import build

        with capture_logs() as logs, pytest.raises(Exception, match="outcome: looks like contact details"):
            build(
                RecordFollowUp,
                user="coordinator",
                at=at("2018-03-05T10:00"),
                case="CSU-2017-00001",
                kind="call",
                outcome="ring 07700 900123",
            )
        refused = [entry for entry in logs if entry["event"] == "command.refused"]
        assert refused and refused[0]["field"] == "outcome" and refused[0]["rule"] == "contact-details"
        assert "07700" not in repr(logs)


class TestExplainRefusesWhatItDoesNotKnow:
    """Item 13: unknown names are refused with the valid ones; keys match in any case when unambiguous."""

    @pytest.fixture(name="year")
    def fixture_year(self, desk: Desk) -> tuple:
        desk.report("2017-06-01T10:00", area="Swanley")
        return desk.db, desk.config, 2017, desk.read().point.position

    @pytest.mark.parametrize(
        ("figure", "message"),
        [
            ("by_area.swanly", "by_area has: .*Swanley"),
            ("powers.XYZ", "powers has: .*CPW"),
            ("case_reviews", "unknown figure .case_reviews.*case_reviews.NAME"),
            ("nonsense", "unknown figure 'nonsense'; explainable: .*powers.NAME"),
        ],
    )
    def test_unknown_names_are_refused(self, year: tuple, figure: str, message: str) -> None:
        with pytest.raises(DomainError, match=f"explain: .*{message}"):
            explain(*year, figure)

    def test_keys_match_in_any_case(self, year: tuple) -> None:
        result = explain(*year, "by_area.swanley")
        assert (result["figure"], result["count"]) == ("by_area.Swanley", 1)
        assert explain(*year, "REPORTS")["count"] == 1


class TestRemindersAgreeWithThePack:
    """Item 6: reminders use the state at the meeting and the briefing's own rule."""

    def test_every_overdue_tasking_in_the_pack_is_in_its_agencys_reminders(self, desk: Desk, tmp_path) -> None:
        import json

        from tasking.commands import CompleteTasking
        from tasking.scheduler import run_once

        first = desk.report("2018-03-12T10:00")
        second = desk.report("2018-03-13T10:00", anonymous=True)
        desk.send(
            RaiseTasking,
            when="2018-03-12T11:00",
            case=first,
            agency="COUNCIL",
            action="Letter",
            due=dt.date(2018, 3, 16),
        )
        desk.send(
            RaiseTasking,
            when="2018-03-13T11:00",
            case=second,
            agency="WARDENS",
            action="Patrol",
            due=dt.date(2018, 3, 20),
        )
        desk.send(ReassignTasking, when="2018-03-14T11:00", case=second, tasking="T1", agency="HOUSING")
        desk.send(
            RaiseTasking,
            when="2018-03-13T11:00",
            case=second,
            agency="POLICE",
            action="Visit",
            due=dt.date(2018, 3, 26),
        )
        # Done after the meeting: as at the meeting, still overdue, in the pack and in the reminders.
        desk.send(CompleteTasking, when="2018-03-27T10:00", case=first, tasking="T1", result="Sent")
        desk.send(CloseCase, when="2018-03-28T10:00", case=second, reason="resolved", complete_taskings="Done")
        run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
        pack = json.loads((tmp_path / "2018-03-26" / "briefing.json").read_text())
        in_pack = {(t["tasked_agency"], t["case"], t["tasking"]) for t in pack["due_taskings"]}
        assert in_pack == {("COUNCIL", first, "T1"), ("HOUSING", second, "T1"), ("POLICE", second, "T2")}
        for agency, case, tasking in in_pack:
            text = (tmp_path / "2018-03-26" / "reminders" / f"{agency}.md").read_text()
            assert f"{case} {tasking} due" in text, (agency, text)
        assert "due today" in (tmp_path / "2018-03-26" / "reminders" / "POLICE.md").read_text()


class TestMarkedAndTimedPages:
    """Item 7: the protective marking, the print time and the meeting's window on every printed page."""

    def test_the_pack_carries_the_marking_print_time_and_window(self, desk: Desk, tmp_path) -> None:
        from tasking.scheduler import run_once

        desk.report("2018-03-24T10:00")
        run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
        page = (tmp_path / "2018-03-26" / "briefing.html").read_text()
        mark = (
            "OFFICIAL-SENSITIVE · Daily tasking meeting Monday 26 March 2018 09:00 · Reports received after "
            "Fri 23 Mar 2018 09:00 up to Mon 26 Mar 2018 09:00 · Printed Mon 26 Mar 2018 08:30"
        )
        assert f'<div class="mark top">{mark}</div>' in page and f'<div class="mark bottom">{mark}</div>' in page
        assert "@top-left" in page and "@bottom-left" in page  # printed, each page's margins carry them
        assert "position: fixed" not in page  # never over the content (tests/e2e/test_printed_briefing.py prints it)
        markdown = (tmp_path / "2018-03-26" / "briefing.md").read_text()
        assert markdown.startswith(f"**{mark}**") and markdown.rstrip().endswith(f"**{mark}**")

    def test_the_marking_comes_from_the_configuration(self) -> None:
        from tasking.config import default_config_text, parse_config

        assert parse_config(default_config_text()).protective_marking == "OFFICIAL-SENSITIVE"
        text = default_config_text().replace(
            'protective_marking = "OFFICIAL-SENSITIVE"', 'protective_marking = "OFFICIAL"'
        )
        assert parse_config(text).protective_marking == "OFFICIAL"


class TestFeedbackDueBy:
    """Item 4: `due_by` is `owed_since` plus the service level, never earlier."""

    def test_due_by_is_never_before_owed_since(self, desk: Desk) -> None:
        from tasking.time.meetings import add_working_days
        from tasking.time.instants import local_date

        never_updated = desk.report("2018-02-20T10:00")
        desk.send(RecordFollowUp, when="2018-03-04T10:00", case=never_updated, kind="visit", outcome="x")
        updated = desk.report("2018-02-20T11:00")
        desk.send(UpdateReporter, when="2018-02-21T10:00", case=updated, channel="phone", note="Told")
        desk.send(RecordFollowUp, when="2018-03-04T10:00", case=updated, kind="call", outcome="x")
        items = {f["case"]: f for f in feedback_owed(desk.db, desk.config, desk.read("2018-03-20T09:00").point)}
        level = desk.config.feedback.service_level_working_days
        for item in items.values():
            since = local_date(dt.datetime.fromisoformat(item["owed_since"]))
            assert item["due_by"] == add_working_days(since, level).isoformat() >= since.isoformat()
        assert items[never_updated]["owed_since"] == "2018-02-20T10:00:00Z"  # owed since the report
        assert items[updated]["owed_since"] == "2018-03-04T10:00:00Z"


class TestBriefingSections:
    """Item 2: what was tasked at the previous meeting, open taskings not yet due, each report's status and lead."""

    def test_the_briefing_has_the_new_sections(self, desk: Desk) -> None:
        from tasking.queries.briefing import briefing

        old = desk.report("2018-02-20T10:00")
        desk.send(
            RaiseTasking, when="2018-02-20T11:00", case=old, agency="HOUSING", action="Visit", due=dt.date(2018, 3, 30)
        )
        case = desk.report("2018-03-02T10:00")  # in Monday's window: since Friday's meeting
        desk.send(
            RaiseTasking, when="2018-03-02T11:00", case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 9)
        )
        desk.send(AssignLead, when="2018-03-02T11:05", case=case, lead="sgt.jones")
        done = desk.report("2018-03-03T10:00", anonymous=True)
        desk.send(CloseCase, when="2018-03-03T12:00", case=done, reason="no-further-action")
        brief = briefing(desk.read(), at("2018-03-05T09:00"))
        reports = {r["case"]: r for r in brief["new_reports"]}
        assert (reports[case]["status"], reports[case]["lead"]) == ("open", "sgt.jones")
        assert (reports[done]["status"], reports[done]["lead"]) == ("closed", None)
        assert [(t["case"], t["tasking"]) for t in brief["tasked_at_previous_meeting"]] == [(case, "T1")]
        assert [(t["tasked_agency"], t["case"]) for t in brief["open_taskings_not_yet_due"]] == [
            ("HOUSING", old),
            ("WARDENS", case),
        ]


class TestShowTellsTheWholeStory:
    """Item 8: `show` has every part of the case's history, and prints no None."""

    def test_show_lists_every_kind_of_action(self, desk: Desk) -> None:
        from tasking.commands import AssessRisk, CorrectCase, LinkCases, Refer, UsePower
        from tasking.reporting.case_text import case_text

        case = desk.report("2018-03-02T10:00")  # a reporter to update (an anonymous case has none)
        other = desk.report("2018-03-02T10:30", anonymous=True)
        desk.send(
            RaiseTasking, when="2018-03-05T09:30", case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 9)
        )
        desk.send(RecordFollowUp, when="2018-03-05T11:00", case=case, kind="visit", outcome="Spoke to parents")
        desk.send(UpdateReporter, when="2018-03-05T12:00", case=case, channel="report-back", note="Told the parish")
        desk.send(UsePower, when="2018-03-06T10:00", case=case, power="CPW")
        desk.send(Refer, when="2018-03-06T11:00", case=case, to="mediation")
        desk.send(AssessRisk, when="2018-03-06T12:00", case=case, level="medium", reason="Repeat location")
        desk.send(LinkCases, when="2018-03-06T12:10", case=other, to=case, reason="same-problem")
        desk.send(CorrectCase, when="2018-03-06T13:00", case=case, field="area", value="Hextable", reason="Boundary")
        desk.send(AssignLead, when="2018-03-06T14:00", case=case, lead="sgt.jones")
        shown = show(desk.read(), case)
        assert [
            len(shown[key])
            for key in ("taskings", "follow_ups", "reporter_updates", "powers", "referrals", "links", "corrections")
        ] == [1, 1, 1, 1, 1, 1, 1]
        assert [r["risk"] for r in shown["risk_history"]] == ["standard", "medium"]
        assert shown["lead"] == "sgt.jones"
        text = case_text(shown)
        assert "None" not in text
        for words in (
            "Spoke to parents",
            "Told the parish",
            "CPW",
            "mediation",
            "area to Hextable",
            "sgt.jones",
            other,
            "Mon 05 Mar 2018 11:00",
            "WARDENS",
        ):
            assert words in text, words


class TestViewsForAnalysts:
    """Item 15: rows name cases by reference, carry a local date and financial year; cases an ASB flag."""

    def test_cases_taskings_and_activity_rows(self, desk: Desk) -> None:
        from tasking.commands import CorrectCase

        late = desk.report("2018-03-31T23:30")  # 22:30 UTC: still 31 March and 2017/18 in UK time
        desk.send(
            RaiseTasking, when="2018-04-01T00:30", case=late, agency="WARDENS", action="a", due=dt.date(2018, 4, 9)
        )
        desk.send(AssignLead, when="2018-04-01T00:40", case=late, lead="sgt.jones")
        non_asb = desk.report("2018-03-05T10:00", category="domestic-abuse")
        db = desk.db
        assert db.execute(
            "SELECT reference, received_date, financial_year, asb, lead FROM cases ORDER BY reference"
        ).fetchall() == [
            ("CSU-2017-00001", "2018-03-31", "2017/18", 1, "sgt.jones"),
            ("CSU-2017-00002", "2018-03-05", "2017/18", 0, None),
        ]
        desk.send(CorrectCase, when="2018-03-06T10:00", case=non_asb, field="category", value="noise", reason="r")
        assert desk.db.execute("SELECT asb FROM cases WHERE reference = ?", [non_asb]).fetchone()[0] == 1
        assert desk.db.execute("SELECT [case], raised_date, financial_year FROM taskings").fetchall() == [
            (late, "2018-04-01", "2018/19")
        ]
        rows = desk.db.execute(
            "SELECT reference, kind, date, financial_year FROM activity WHERE reference = ? ORDER BY position", [late]
        ).fetchall()
        assert rows == [
            (late, "report", "2018-03-31", "2017/18"),
            (late, "task", "2018-04-01", "2018/19"),
            (late, "assign", "2018-04-01", "2018/19"),
        ]
        assert "case_id" not in [c.name for c in desk.db["taskings"].columns]
