"""Handlers against a real store: SQLite file and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.commands import (
    AddUser,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    LinkCases,
    RaiseTasking,
    RecordFollowUp,
    RecordReport,
    UpdateReporter,
    UsePower,
    send,
)
from tasking.errors import DomainError
from tasking.queries.audit import audit, show
from tests.conftest import at


def report(people: dict[str, str], **over: object) -> RecordReport:
    fields: dict[str, object] = dict(
        user="coordinator",
        at=at("2018-03-05T10:00"),
        source="COUNCIL",
        category="youth-nuisance",
        area="Swanley",
        location="Azalea Shops",
        occurred_at=at("2018-03-04T21:00"),
        reporter=people["resident"],
        summary="Groups",
    )
    fields.update(over)
    return RecordReport(**fields)


class TestRecordReport:
    def test_gives_sequential_references_per_financial_year(self, services, people) -> None:
        first = send(services.app, report(people))["case"]
        second = send(services.app, report(people))["case"]
        next_year = send(services.app, report(people, at=at("2018-04-01T00:30")))["case"]
        assert (first, second, next_year) == ("CSU-2017-00001", "CSU-2017-00002", "CSU-2018-00001")

    def test_refuses_an_unknown_area_naming_the_field(self, services, people) -> None:
        with pytest.raises(DomainError, match="area: unknown area 'Atlantis'"):
            send(services.app, report(people, area="Atlantis"))

    def test_refuses_an_unknown_person(self, services, people) -> None:
        with pytest.raises(DomainError, match="reporter: unknown person: give a reference"):
            send(services.app, report(people, reporter="PER-99999"))

    def test_refuses_an_unknown_acting_user(self, services, people) -> None:
        with pytest.raises(DomainError, match="user: unknown user 'nobody'"):
            send(services.app, report(people, user="nobody"))

    def test_keeps_personal_details_out_of_the_case_events(self, services, people) -> None:
        ref = send(services.app, report(people))["case"]
        stored = services.app.recorder.select_notifications(0, 1000)
        case_rows = [n.state for n in stored if b"Case.Reported" in n.topic.encode()]
        assert case_rows and all(b"Pat Smith" not in state for state in case_rows)
        assert audit(services.read(user="coordinator"), ref)["entries"][0]["details"]["reporter"] == people["resident"]

    def test_a_parish_council_source_gets_a_report_back(self, services, people) -> None:
        ref = send(services.app, report(people, source="PARISH", reporter=None, anonymous=True))["case"]
        assert show(services.read(user="coordinator"), ref)["feedback"] == "report-back"


class TestLifeOfACase:
    def test_audit_shows_every_entry_in_order_with_user_and_agency(self, services, people) -> None:
        app = services.app
        ref = send(app, report(people))["case"]
        send(
            app,
            RaiseTasking(
                user="coordinator",
                at=at("2018-03-05T10:15"),
                case=ref,
                agency="WARDENS",
                action="Patrol",
                due=dt.date(2018, 3, 9),
            ),
        )
        send(
            app,
            RecordFollowUp(user="warden.grange", at=at("2018-03-06T20:00"), case=ref, kind="visit", outcome="Moved on"),
        )
        send(app, UpdateReporter(user="coordinator", at=at("2018-03-07T10:00"), case=ref, channel="phone", note="Told"))
        send(
            app,
            CloseCase(
                user="coordinator",
                at=at("2018-03-20T10:00"),
                case=ref,
                reason="resolved",
                complete_taskings="Patrols done",
            ),
        )
        entries = audit(services.read(user="coordinator"), ref)["entries"]
        assert [(e["event"], e["user"], e["agency"]) for e in entries] == [
            ("Reported", "coordinator", "COUNCIL"),
            ("TaskingRaised", "coordinator", "COUNCIL"),
            ("FollowUpMade", "warden.grange", "WARDENS"),
            ("ReporterUpdated", "coordinator", "COUNCIL"),
            ("TaskingCompleted", "coordinator", "COUNCIL"),
            ("Closed", "coordinator", "COUNCIL"),
        ]
        assert entries[2]["occurred_at"] == "2018-03-06T20:00:00Z"
        assert all(e["recorded_at"].endswith("Z") for e in entries)

    def test_a_closed_case_refuses_a_power_but_accepts_a_correction(self, services, people) -> None:
        app = services.app
        ref = send(app, report(people))["case"]
        send(app, CloseCase(user="coordinator", at=at("2018-03-06T10:00"), case=ref, reason="resolved"))
        with pytest.raises(DomainError, match="closed"):
            send(app, UsePower(user="coordinator", at=at("2018-03-07T10:00"), case=ref, power="CPW"))
        send(
            app,
            CorrectCase(
                user="coordinator",
                at=at("2018-03-07T10:00"),
                case=ref,
                field="area",
                value="hextable",
                reason="Boundary",
            ),
        )
        assert show(services.read(user="coordinator"), ref)["area"] == "Hextable"

    def test_completing_a_tasking_and_linking_cases(self, services, people) -> None:
        app = services.app
        first, second = send(app, report(people))["case"], send(app, report(people, source="POLICE"))["case"]
        send(
            app, LinkCases(user="coordinator", at=at("2018-03-05T11:00"), case=second, to=first, reason="same-incident")
        )
        tasking = send(
            app,
            RaiseTasking(
                user="coordinator",
                at=at("2018-03-05T11:00"),
                case=first,
                agency="POLICE",
                action="Visit",
                due=dt.date(2018, 3, 6),
                owner="sgt.jones",
            ),
        )["tasking"]
        send(
            app,
            CompleteTasking(user="sgt.jones", at=at("2018-03-06T11:00"), case=first, tasking=tasking, result="Done"),
        )
        state = show(services.read(user="coordinator"), first)
        assert state["links"] == [{"to": second, "reason": "same-incident"}]
        assert state["taskings"][0]["status"] == "completed"

    def test_an_added_user_is_itself_audited(self, services, people) -> None:
        send(
            services.app,
            AddUser(
                user="coordinator",
                at=at("2018-03-05T09:00"),
                login="pcso.fry",
                name="Jo Fry",
                agency="POLICE",
                role="officer",
            ),
        )
        roster = {row["login"]: row for row in services.read(user="coordinator").db.query("SELECT * FROM users")}
        assert roster["pcso.fry"]["added_by"] == "coordinator" and roster["pcso.fry"]["agency"] == "POLICE"


class TestPersonalData:
    def test_free_text_refuses_contact_details(self, services, people) -> None:
        from pydantic import ValidationError

        with pytest.raises(ValidationError, match="looks like contact details"):
            RecordFollowUp(
                user="coordinator",
                at=at("2018-03-06T10:00"),
                case="CSU-2017-00001",
                kind="call",
                outcome="Asked to ring back on 07700 900123",
            )

    def test_a_refusal_is_logged_without_the_value_typed(self, services, people) -> None:
        from structlog.testing import capture_logs

        with capture_logs() as logs, pytest.raises(DomainError):
            send(services.app, report(people, reporter="Pat Smith"))
        refused = [e for e in logs if e["event"] == "command.refused"]
        assert refused and refused[0]["field"] == "reporter"
        assert "Pat" not in repr(logs) and "PAT" not in repr(logs)


class TestAsRecordedBy:
    def test_audit_and_show_answer_as_recorded_by_a_moment(self, services, people) -> None:
        import datetime as dt

        app = services.app
        before = dt.datetime.now(dt.timezone.utc)
        ref = send(app, report(people))["case"]
        between = dt.datetime.now(dt.timezone.utc)
        send(app, CloseCase(user="coordinator", at=at("2018-03-06T10:00"), case=ref, reason="resolved"))
        assert [e["event"] for e in audit(services.read(as_of=between, user="coordinator"), ref)["entries"]] == [
            "Reported"
        ]
        assert [e["event"] for e in audit(services.read(user="coordinator"), ref)["entries"]] == ["Reported", "Closed"]
        assert show(services.read(as_of=between, user="coordinator"), ref)["status"] == "open"
        assert show(services.read(user="coordinator"), ref)["status"] == "closed"
        # Effective time: as at 6 March 09:00 the case was open, whatever was recorded since.
        assert show(services.read(at=at("2018-03-06T09:00"), user="coordinator"), ref)["status"] == "open"
        assert [
            e["event"] for e in audit(services.read(at=at("2018-03-06T09:00"), user="coordinator"), ref)["entries"]
        ] == ["Reported"]
        with pytest.raises(DomainError, match="case: CSU-2017-00001 had not been recorded by position"):
            show(services.read(as_of=before, user="coordinator"), ref)
