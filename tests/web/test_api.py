"""The JSON API: the same commands and reads as the CLI, with problem details for every failure."""

from __future__ import annotations

import json

import pytest
from structlog.testing import capture_logs

from tasking.bootstrap import Settings
from tasking.commands import RaiseTasking, RevokeToken, send
from tasking.time.instants import utcnow
from tasking.web import create_app
from tests.conftest import Desk, run_cli
from tests.web.conftest import bearer, issue

PROBLEM = "application/problem+json"


def case_tasked_to_wardens(desk: Desk) -> str:
    case = desk.report("2018-03-03T08:10")
    desk.send(
        RaiseTasking, when="2018-03-05T09:30", case=case, agency="WARDENS", action="Patrol 8-10pm", due="2018-03-09"
    )
    return case


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert body["field"] == field, body
    return body


class TestAuthentication:
    def test_a_request_without_a_token_gets_401_and_health_needs_none(self, web) -> None:
        response = web.get("/api/v1/cases")
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert web.get("/health").json()["status"] == "ok"

    def test_a_token_works_until_it_is_revoked(self, web, services) -> None:
        token = issue(services, "sgt.jones")
        assert web.get("/api/v1/me", headers=bearer(token)).json() == {
            "user": "sgt.jones",
            "name": "Sgt.Jones",
            "agency": "POLICE",
            "role": "officer",
            "token": "K1",
        }
        send(services.app, RevokeToken(user="coordinator", at=utcnow(), login="sgt.jones"))
        assert_problem(web.get("/api/v1/me", headers=bearer(token)), 401)

    def test_an_expired_or_made_up_token_gets_401(self, web, services) -> None:
        expired = issue(services, "sgt.jones", days=0)
        assert_problem(web.get("/api/v1/me", headers=bearer(expired)), 401)
        assert_problem(web.get("/api/v1/me", headers=bearer(expired[:-4] + "abcd")), 401)
        assert_problem(web.get("/api/v1/me", headers=bearer("not-a-token")), 401)

    def test_failed_attempts_are_limited_and_logged_without_the_token(self, web, services) -> None:
        good = issue(services, "sgt.jones")
        wrong = good[:-6] + "zzzzzz"
        with capture_logs() as logs:
            for _ in range(5):
                assert_problem(web.get("/api/v1/me", headers=bearer(wrong)), 401)
        refused = assert_problem(web.get("/api/v1/me", headers=bearer(wrong)), 429)
        assert "too many failed sign-ins" in refused["detail"]
        assert web.get("/api/v1/me", headers=bearer(good)).status_code == 200  # a valid token is never locked out
        failures = [entry for entry in logs if entry["event"] == "web.sign_in.failed"]
        assert len(failures) == 5 and failures[0]["login"] == "sgt.jones"
        assert wrong not in json.dumps(logs, default=str) and good not in json.dumps(logs, default=str)

    def test_a_token_is_issued_only_to_its_own_user(self, services, people) -> None:
        from tasking.domain.permissions import Forbidden

        issue(services, "sgt.jones", by="sgt.jones")
        for by in ("sgt.jones", "coordinator"):
            with pytest.raises(Forbidden, match="a token is issued only to its own user"):
                issue(services, "warden.grange", by=by)


class TestWrites:
    def test_a_follow_up_through_the_api_is_in_the_audit_as_the_cli_reads_it(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        case = case_tasked_to_wardens(desk)
        token = issue(services, "warden.grange")
        response = web.post(
            "/api/v1/commands/record-follow-up",
            headers=bearer(token),
            json={"case": case, "kind": "visit", "outcome": "Spoke to parents", "at": "2018-03-07T16:00:00+00:00"},
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"case": case}
        audit = web.get(f"/api/v1/cases/{case}/audit", headers=bearer(token))
        last = audit.json()["entries"][-1]
        assert (last["event"], last["user"], last["agency"]) == ("FollowUpMade", "warden.grange", "WARDENS")
        assert last["details"]["outcome"] == "Spoke to parents"
        position = audit.json()["position"]
        cli = run_cli(
            "--store",
            services.settings.store,
            "audit",
            case,
            "--position",
            str(position),
            "--json",
            env={"TASKING_VIEWS": services.settings.views_path},
        )
        api = web.get(f"/api/v1/cases/{case}/audit", params={"position": position}, headers=bearer(token))
        assert api.text == cli.stdout

    def test_a_request_id_makes_a_write_safe_to_retry(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        case = case_tasked_to_wardens(desk)
        token = issue(services, "coordinator")
        body = {"case": case, "kind": "call", "outcome": "Rang back", "at": "2018-03-06T10:00:00Z"}
        for _ in range(2):
            sent = web.post(
                "/api/v1/commands/record-follow-up", headers={**bearer(token), "Request-Id": "r-1"}, json=body
            )
            assert sent.status_code == 200, sent.text
        shown = web.get(f"/api/v1/cases/{case}", headers=bearer(token)).json()
        assert len(shown["follow_ups"]) == 1

    def test_an_unknown_case_gets_404(self, shared_web) -> None:
        web, desk = shared_web
        token = issue(desk.services, "coordinator")
        assert_problem(web.get("/api/v1/cases/CSU-2017-09999", headers=bearer(token)), 404, "case")
        sent = web.post(
            "/api/v1/commands/record-follow-up",
            headers=bearer(token),
            json={"case": "CSU-2017-09999", "kind": "visit", "outcome": "x"},
        )
        assert_problem(sent, 404, "case")

    def test_an_unknown_entry_of_a_breakdown_is_not_found_and_a_nameless_figure_is_invalid(self, shared_web) -> None:
        """`powers.NAME` names a power used that year: one never used is not there (404), as an
        unknown case is. A name the schema's figure pattern refuses is invalid input (422)."""
        web, desk = shared_web
        token = issue(desk.services, "analyst")
        found = assert_problem(
            web.get("/api/v1/stats/2017/explain/powers.never-used", headers=bearer(token)), 404, "explain"
        )
        assert "unknown figure 'powers.never-used'" in found["detail"]
        assert web.get("/api/v1/stats/2017/explain/nonsense", headers=bearer(token)).status_code == 422

    def test_a_closed_case_refuses_a_follow_up_with_409(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        from tasking.commands import CloseCase

        case = desk.report("2018-03-03T08:10")
        desk.send(CloseCase, when="2018-03-05T11:00", case=case, reason="resolved")
        token = issue(services, "coordinator")
        sent = web.post(
            "/api/v1/commands/record-follow-up",
            headers=bearer(token),
            json={"case": case, "kind": "visit", "outcome": "x", "at": "2018-03-06T10:00:00Z"},
        )
        assert "is closed" in assert_problem(sent, 409, "case")["detail"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "bogus", "outcome": "x"}, "kind"),
            ({"kind": "visit", "outcome": "ring 01732 000000"}, "outcome"),
            ({"kind": "visit", "outcome": "x", "user": "someone.else"}, "user"),
            ({"kind": "visit", "outcome": "x", "at": "2018-03-06T10:00"}, "at"),  # no zone
            ({"kind": "visit", "outcome": "x", "at": "2099-01-01T10:00:00Z"}, "at"),  # the future
        ],
    )
    def test_invalid_input_gets_422_naming_the_field_and_writes_nothing(self, shared_web, body, field) -> None:
        web, desk = shared_web
        services = desk.services
        case = case_tasked_to_wardens(desk)
        token = issue(services, "coordinator")
        before = services.app.event_count()
        assert_problem(
            web.post("/api/v1/commands/record-follow-up", headers=bearer(token), json={"case": case, **body}),
            422,
            field,
        )
        assert services.app.event_count() == before

    def test_an_officer_of_an_uninvolved_agency_gets_403(self, shared_web) -> None:
        """The permission rule of issue 12: officers act on cases tasked to (or received by) their agency."""
        web, desk = shared_web
        services = desk.services
        case = case_tasked_to_wardens(desk)
        token = issue(services, "housing.lee")
        before = services.app.event_count()
        sent = web.post(
            "/api/v1/commands/record-follow-up",
            headers=bearer(token),
            json={"case": case, "kind": "visit", "outcome": "x", "at": "2018-03-06T10:00:00Z"},
        )
        assert_problem(sent, 403)
        assert services.app.event_count() == before + 1  # the refusal's own record (issue 12), none on the case


class TestReads:
    def test_bad_times_get_422(self, shared_web) -> None:
        web, desk = shared_web
        token = issue(desk.services, "coordinator")
        assert_problem(web.get("/api/v1/briefing", params={"at": "2018-03-25T01:30"}, headers=bearer(token)), 422, "at")
        assert_problem(
            web.get("/api/v1/cases", params={"as_of": "2018-03-05", "position": 3}, headers=bearer(token)), 422, "as-of"
        )
        assert_problem(web.get("/api/v1/cases", params={"position": -1}, headers=bearer(token)), 422, "position")
        assert_problem(web.get("/api/v1/stats/2017", params={"at": "2018-03-05"}, headers=bearer(token)), 422, "at")

    def test_reads_answer_with_the_cli_s_bytes(self, web, services, desk) -> None:
        case_tasked_to_wardens(desk)
        token = issue(services, "coordinator")
        env = {"TASKING_VIEWS": services.settings.views_path}
        store = services.settings.store
        position = web.get("/api/v1/cases", headers=bearer(token)).json()["position"]
        for path, args in [
            ("/api/v1/briefing", ["briefing", "--at", "2018-03-05T09:00", "--json"]),
            ("/api/v1/feedback-owed", ["feedback-owed", "--at", "2018-03-05T09:00", "--json"]),
            ("/api/v1/cases", ["cases", "--at", "2018-03-05T09:00", "--json"]),
        ]:
            api = web.get(path, params={"at": "2018-03-05T09:00", "position": position}, headers=bearer(token))
            cli = run_cli("--store", store, *args, "--position", str(position), env=env)
            assert api.status_code == 200 and api.text == cli.stdout, path

    def test_my_taskings_are_my_agency_s_open_ones_overdue_first(self, web, services, desk) -> None:
        first = case_tasked_to_wardens(desk)
        second = desk.report("2018-03-04T08:10")
        desk.send(
            RaiseTasking, when="2018-03-05T09:40", case=second, agency="WARDENS", action="Visit", due="2018-03-06"
        )
        token = issue(services, "warden.grange")
        mine = web.get("/api/v1/taskings", params={"at": "2018-03-08T12:00"}, headers=bearer(token)).json()
        assert mine["agency"] == "WARDENS"
        assert [(t["case"], t["days_overdue"]) for t in mine["taskings"]] == [(second, 2), (first, 0)]

    def test_the_store_unreachable_gets_503(self, tmp_path, backend) -> None:
        store = (
            str(tmp_path / "gone" / "store.db")
            if backend == "sqlite"
            else "postgresql://tasking:tasking@127.0.0.1:1/tasking_test"
        )
        from fastapi.testclient import TestClient

        app = create_app(Settings(store=store, views=str(tmp_path / "v.db")), secret="s")
        with TestClient(app, raise_server_exceptions=False) as client:
            assert_problem(client.get("/api/v1/cases", headers=bearer("tsk.YQ.x")), 503, "store")
            assert_problem(client.get("/health"), 503, "store")
