"""The access log, refusals, deactivation and role changes, through the real handlers and queries,
on both backends."""

from __future__ import annotations

import pytest

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import CloseCase, RecordFollowUp, Refer
from tasking.commands.setup import ChangeRole, DeactivateUser
from tasking.errors import DomainError
from tasking.domain.permissions import Forbidden
from tasking.queries.access import access_log
from tasking.queries.audit import audit, show
from tasking.queries.briefing import briefing
from tasking.queries.roster import users
from tasking.queries.stats import year_stats
from tests.conftest import Desk, at


def log(desk: Desk, **filters: str) -> list[dict]:
    return access_log(desk.read(), **filters)["entries"]


class TestTheAccessLog:
    def test_show_audit_and_the_briefing_detail_are_recorded_with_who_what_and_when(self, desk: Desk) -> None:
        case = desk.report("2018-03-03T10:00")
        show(desk.read(), case)
        audit(desk.read(), case)
        briefing(desk.read(), at("2018-03-05T09:00"))
        entries = log(desk, case=case)
        assert [(e["user"], e["agency"], e["action"], e["what"], e["cases"]) for e in entries] == [
            ("coordinator", "COUNCIL", "show", "details", [case]),
            ("coordinator", "COUNCIL", "audit", "events", [case]),
            ("coordinator", "COUNCIL", "briefing", "briefing detail", [case]),
        ]
        assert all(e["at"].endswith("Z") and e["refused"] == 0 for e in entries)

    def test_access_events_change_neither_the_case_nor_a_read_at_a_fixed_position_nor_the_figures(
        self, desk: Desk
    ) -> None:
        case = desk.report("2018-03-03T10:00")
        position = desk.read().point.position
        first = (show(desk.read(position=position), case), audit(desk.read(position=position), case))
        figures = year_stats(desk.db, desk.config, 2017, desk.read().point.position)
        for _ in range(2):
            show(desk.read(), case)
        assert (show(desk.read(position=position), case), audit(desk.read(position=position), case)) == first
        assert [e["event"] for e in audit(desk.read(), case)["entries"]] == ["Reported"]  # nothing on the case
        again = year_stats(desk.db, desk.config, 2017, desk.read().point.position)
        assert again["fingerprint"] == figures["fingerprint"]
        assert desk.db.execute("SELECT COUNT(*) FROM activity").fetchone()[0] == 1

    def test_the_log_filters_by_user_and_is_for_coordinators_and_admins_only(self, desk: Desk) -> None:
        case = desk.report("2018-03-03T10:00", source="POLICE")
        show(desk.read(user="sgt.jones"), case)
        with pytest.raises(Forbidden):
            show(desk.read(user="warden.grange"), case)
        assert [(e["user"], e["refused"]) for e in log(desk, user="warden.grange")] == [("warden.grange", 1)]
        assert "refused: " in log(desk, user="warden.grange")[0]["what"]
        assert [e["action"] for e in log(desk, user="sgt.jones")] == ["show"]
        for login in ("sgt.jones", "analyst"):
            with pytest.raises(Forbidden, match="may not use `tasking access-log`"):
                desk.read(user=login, action="access-log")


class TestRefusals:
    def test_a_refused_write_is_recorded_apart_from_the_case_and_writes_nothing_on_it(self, desk: Desk) -> None:
        case = desk.report("2018-03-03T10:00")
        before = desk.services.app.event_count()
        with pytest.raises(Forbidden, match="^user: an officer may not use `tasking close`: only coordinator may$"):
            desk.send(CloseCase, user="sgt.jones", case=case, reason="resolved")
        assert desk.services.app.event_count() == before + 1
        assert [e["event"] for e in audit(desk.read(), case)["entries"]] == ["Reported"]
        refused = log(desk, user="sgt.jones")
        assert [(e["action"], e["cases"], e["role"], e["agency"]) for e in refused] == [
            ("close", [case], "officer", "POLICE")
        ]

    def test_an_officer_works_on_cases_received_by_or_tasked_to_their_agency_only(self, desk: Desk) -> None:
        from tasking.commands import RaiseTasking
        import datetime as dt

        case = desk.report("2018-03-03T10:00")  # received by the COUNCIL
        with pytest.raises(Forbidden, match=f"{case} is neither received by nor tasked to WARDENS"):
            desk.send(RecordFollowUp, user="warden.grange", case=case, kind="visit", outcome="Moved on")
        desk.send(RaiseTasking, case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 9))
        desk.send(RecordFollowUp, user="warden.grange", case=case, kind="visit", outcome="Moved on")
        assert show(desk.read(user="warden.grange"), case)["case"] == case


class TestUsers:
    def test_a_deactivated_user_is_refused_everything(self, desk: Desk) -> None:
        case = desk.report("2018-03-03T10:00", source="POLICE")
        desk.send(DeactivateUser, login="sgt.jones", reason="Left")
        with pytest.raises(Forbidden, match="deactivated"):
            desk.send(Refer, user="sgt.jones", case=case, to="mediation")
        with pytest.raises(Forbidden, match="deactivated"):
            desk.read(user="sgt.jones", action="cases")
        with pytest.raises(DomainError, match="already deactivated"):
            desk.send(DeactivateUser, login="sgt.jones", reason="Again")
        with pytest.raises(DomainError, match="cannot deactivate themselves"):
            desk.send(DeactivateUser, login="coordinator", reason="Oops")
        roster = {u["login"]: u for u in users(desk.read())["users"]}
        assert roster["sgt.jones"]["active"] is False and roster["warden.grange"]["active"] is True

    def test_a_role_change_takes_effect_in_a_process_that_kept_the_user(self, desk: Desk, tmp_path) -> None:
        case = desk.report("2018-03-03T10:00")
        app = desk.services.app
        assert app.actor("analyst").role == "analyst"  # kept by this process
        other = bootstrap(Settings(store=desk.services.settings.store, views=str(tmp_path / "other.db")))
        try:  # another process changes the role
            from tasking.commands import send

            send(
                other.app,
                ChangeRole(
                    user="coordinator",
                    at=at("2018-03-05T10:00"),
                    login="analyst",
                    role="coordinator",
                    reason="Acting coordinator",
                ),
            )
        finally:
            other.close()
        assert app.actor("analyst").role == "coordinator"
        desk.send(CloseCase, user="analyst", case=case, reason="resolved")
        before = desk.read().point.position
        roster = {u["login"]: u["role"] for u in users(desk.read())["users"]}
        assert roster["analyst"] == "coordinator"
        assert {u["login"]: u["role"] for u in users(desk.read(position=before - 3))["users"]}["analyst"] == "analyst"

    def test_reads_need_an_acting_user(self, desk: Desk) -> None:
        with pytest.raises(DomainError, match="user: an acting user is required"):
            desk.services.read(action="cases")
