"""Issue 21, web and API: the outside probe's findings against the HTTP face, repeated."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re

import httpx
import pytest

from tasking.commands import AddUser, ApplyRetention, CloseCase, IssueBriefing, PlaceHold, send
from tasking.errors import DomainError
from tasking.domain.ids import case_id, person_id
from tasking.time.instants import utcnow
from tests.conftest import Desk, at
from tests.web.conftest import bearer, issue, serving
from tests.web.test_pages import csrf, sign_in

PROBLEM = "application/problem+json"


def admin_token(desk: Desk) -> str:
    desk.send(AddUser, login="admin.kay", name="Kay", agency="COUNCIL", role="admin")
    return issue(desk.services, "admin.kay")


class TestRetentionOverHttp:
    """Item 3: no request body names what retention destroys."""

    def test_the_api_cannot_destroy_a_held_case_or_a_person(self, web, desk) -> None:
        case = desk.report("2018-03-02T10:00", summary="Shouting outside the flats")
        desk.send(PlaceHold, when="2018-03-11T10:00", case=case, reason="Civil claim LS-881")
        token, keys = admin_token(desk), desk.services.app.keys
        for body in (
            {"subject": "case", "reference": case, "reason": "probe"},
            {"subject": "person", "reference": desk.people["resident"], "reason": "probe"},
        ):
            response = web.post("/api/v1/commands/apply-retention", json=body, headers=bearer(token))
            assert response.status_code in (404, 405), response.text
        assert not keys.is_destroyed(case_id(case)) and not keys.is_destroyed(person_id(desk.people["resident"]))
        assert "/api/v1/commands/apply-retention" not in web.get("/openapi.json").json()["paths"]

    def test_the_handler_refuses_a_case_the_rule_does_not_select(self, desk) -> None:
        open_case = desk.report("2018-03-02T10:00")
        held = desk.report("2018-03-02T11:00")
        recent = desk.report("2018-03-02T12:00")
        for case in (held, recent):
            desk.send(CloseCase, when="2018-03-10T10:00", case=case, reason="resolved", note="Quiet")
        desk.send(PlaceHold, when="2018-03-11T10:00", case=held, reason="Civil claim LS-881")
        app = desk.services.app
        for case, when in ((open_case, utcnow()), (held, utcnow()), (recent, at("2020-03-11T10:00"))):
            with pytest.raises(DomainError) as refused:
                send(app, ApplyRetention(user="coordinator", at=when, subject="case", reference=case, reason="probe"))
            assert refused.value.field == "case"
            assert not app.keys.is_destroyed(case_id(case))


def issued_packs(web, token: str) -> list[dict]:
    return web.get("/api/v1/briefings/issued", headers=bearer(token)).json()["briefings"]


class TestPacksOverHttp:
    """Items 8 and 29: the server makes the pack; the body only names a real meeting whose time has come."""

    def test_a_pack_made_from_the_body_is_refused_and_nothing_is_recorded(self, web, desk) -> None:
        token = issue(desk.services, "coordinator")
        forged = {
            "meeting_day": "2018-03-05",
            "meeting": "2018-03-05T09:00:00Z",
            "window_from": "2018-03-02T09:00:00Z",
            "window_to": 0,
            "digest": "sha256:fake",
            "new_reports": ["CSU-2099-99999"],
        }
        response = web.post("/api/v1/commands/issue-briefing", json=forged, headers=bearer(token))
        assert response.status_code == 422 and response.headers["content-type"].startswith(PROBLEM)
        assert issued_packs(web, token) == []

    @pytest.mark.parametrize(
        "meeting",
        [
            "2018-03-03T09:00:00Z",  # a Saturday
            "2018-03-05T10:00:00Z",  # not the meeting time
            "2018-04-02T08:00:00Z",  # Easter Monday (BST: 09:00 local)
            "2099-03-05T09:00:00Z",
        ],
    )  # in the future
    def test_only_a_real_meeting_whose_time_has_come(self, web, desk, meeting: str) -> None:
        token = issue(desk.services, "coordinator")
        response = web.post("/api/v1/commands/issue-briefing", json={"meeting": meeting}, headers=bearer(token))
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "meeting"
        assert issued_packs(web, token) == []

    def test_the_server_computes_the_pack_once(self, web, desk, tmp_path) -> None:
        case = desk.report("2018-03-03T08:10")
        token = issue(desk.services, "coordinator")
        body = {"meeting": "2018-03-05T09:00:00Z"}
        first = web.post("/api/v1/commands/issue-briefing", json=body, headers=bearer(token)).json()
        assert first["issued"] is True and first["window"] == {
            "from": "2018-03-02T09:00:00Z",
            "to": "2018-03-05T09:00:00Z",
        }
        pack = json.loads((tmp_path / "packs" / "2018-03-05" / "briefing.json").read_text())
        assert [r["case"] for r in pack["new_reports"]] == [case]
        assert web.post("/api/v1/commands/issue-briefing", json=body, headers=bearer(token)).json()["issued"] is False
        [record] = issued_packs(web, token)
        assert record["meeting_day"] == "2018-03-05" and record["new_reports"] == 1

    def test_the_handler_refuses_a_forged_meeting_whoever_sends_it(self, desk) -> None:
        app = desk.services.app
        count = app.event_count()
        saturday = at("2018-03-03T09:00")
        with pytest.raises(DomainError) as refused:
            send(
                app,
                IssueBriefing(
                    user="coordinator",
                    at=utcnow(),
                    meeting_day="2018-03-03",
                    meeting=saturday,
                    window_from=saturday - dt.timedelta(days=1),
                    window_to=saturday,
                    digest="x",
                ),
            )
        assert refused.value.field == "meeting" and app.event_count() == count


def sign_in_failures(tmp_path) -> list[dict]:
    lines = (tmp_path / "serve.log").read_text().splitlines()
    return [entry for entry in map(json.loads, lines) if entry.get("event") == "web.sign_in.failed"]


class TestSignInLimits:
    """Item 11: forwarded headers only from named proxies; failures limited per address and per login; a
    valid token is never locked out."""

    def test_by_default_x_forwarded_for_is_not_trusted(self, services, people, tmp_path) -> None:
        good = issue(services, "sgt.jones")
        with serving(services, tmp_path) as base:
            statuses = [
                httpx.get(
                    f"{base}/api/v1/me", headers={**bearer(good[:-4] + "zzzz"), "X-Forwarded-For": f"203.0.113.{n}"}
                ).status_code
                for n in range(11)
            ]
            assert statuses == [401] * 10 + [429]  # rotating the header does not escape the limit
            assert httpx.get(f"{base}/api/v1/me", headers=bearer(good)).status_code == 200  # never locked out
        assert {entry["client"] for entry in sign_in_failures(tmp_path)} == {"127.0.0.1"}

    def test_behind_a_named_proxy_each_login_is_limited_too(self, services, people, tmp_path) -> None:
        good = issue(services, "sgt.jones")
        with serving(services, tmp_path, "--forwarded-allow-ips", "127.0.0.1") as base:
            statuses = [
                httpx.get(
                    f"{base}/api/v1/me", headers={**bearer(good[:-4] + "zzzz"), "X-Forwarded-For": f"203.0.113.{n}"}
                ).status_code
                for n in range(11)
            ]
            assert statuses == [401] * 10 + [429]  # ten addresses, one login
            assert (
                httpx.get(f"{base}/api/v1/me", headers={**bearer(good), "X-Forwarded-For": "203.0.113.99"}).status_code
                == 200
            )
        assert {entry["client"] for entry in sign_in_failures(tmp_path)} == {f"203.0.113.{n}" for n in range(10)}


class TestFailedAttempts:
    def test_a_valid_token_is_never_locked_out_at_a_busy_address(self, web, services) -> None:
        good, other = issue(services, "sgt.jones"), issue(services, "warden.grange")
        for _ in range(5):  # the fixture's limit
            assert web.get("/api/v1/me", headers=bearer(other[:-4] + "zzzz")).status_code == 401
        assert web.get("/api/v1/me", headers=bearer(other[:-4] + "zzzz")).status_code == 429
        assert web.get("/api/v1/me", headers=bearer(good)).json()["user"] == "sgt.jones"
        assert web.get("/api/v1/me", headers=bearer(other)).json()["user"] == "warden.grange"


class TestBodySize:
    """Item 12: a body over the limit is refused with 413 before it is read; no token, no body read."""

    def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read(self, shared_web) -> None:
        web, _ = shared_web
        sent: list[dict] = []

        async def receive() -> dict:
            raise AssertionError("the body was read")

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/v1/commands/record-follow-up",
            "raw_path": b"/api/v1/commands/record-follow-up",
            "query_string": b"",
            "root_path": "",
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "headers": [(b"content-length", str(150 * 1024 * 1024).encode()), (b"content-type", b"application/json")],
        }
        asyncio.run(web.app(scope, receive, send))
        assert sent[0]["status"] == 413

    def test_a_chunked_body_over_the_limit_gets_413_and_writes_nothing(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        case = desk.report("2018-03-03T08:10")
        token, count = issue(services, "coordinator"), services.app.event_count()
        chunks = iter(
            [b'{"case": "' + case.encode() + b'", "kind": "call", "outcome": "'] + [b"x" * 65536] * 24 + [b'"}']
        )
        response = web.post(
            "/api/v1/commands/record-follow-up",
            content=chunks,
            headers={**bearer(token), "Content-Type": "application/json"},
        )
        assert response.status_code == 413 and response.headers["content-type"].startswith(PROBLEM)
        assert services.app.event_count() == count

    def test_without_a_token_the_body_is_not_parsed(self, shared_web) -> None:
        web, _ = shared_web
        response = web.post(
            "/api/v1/commands/record-follow-up", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")

    def test_with_a_wrong_token_the_body_is_not_read(self, web) -> None:
        """Authentication comes before the body: a wrong token is 401 whatever the body holds (a body
        that is not UTF-8 would be 400 if it were read first)."""
        response = web.post(
            "/api/v1/commands/record-follow-up",
            content=b'{"case": "\xff\xfe"}',
            headers={**bearer("tsk.coordinator.not-the-secret"), "Content-Type": "application/json"},
        )
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")


class TestReadRefusals:
    """Item 13: a read the permission rule refuses is 403 (as documented), and is in the access log."""

    @pytest.mark.parametrize("path", ["/api/v1/stats/2017", "/api/v1/users", "/api/v1/stats/2017/explain/powers.CPW"])
    def test_an_officer_refused_a_read_gets_403(self, shared_web, path: str) -> None:
        web, desk = shared_web
        services = desk.services
        token = issue(services, "sgt.jones")

        def refused() -> int:
            services.catch_up()
            return services.open_views().db.execute("SELECT COUNT(*) FROM access_log WHERE refused = 1").fetchone()[0]

        before = refused()
        response = web.get(path, headers=bearer(token))
        assert response.status_code == 403 and response.headers["content-type"].startswith(PROBLEM)
        assert "officer may not" in response.json()["detail"]
        assert refused() == before + 1


class TestNoServerErrors:
    """Item 16: inputs that answered 500 get their 4xx problem."""

    @pytest.mark.parametrize("at_", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59"])
    def test_a_briefing_at_the_ends_of_time(self, shared_web, at_: str) -> None:
        web, desk = shared_web
        token = issue(desk.services, "coordinator")
        for path in ("/api/v1/briefing", "/api/v1/feedback-owed", "/api/v1/cases", "/api/v1/marac/agenda"):
            response = web.get(path, params={"at": at_}, headers=bearer(token))
            assert response.status_code == 422, (path, response.text)
            assert response.json()["field"] == "at"
        assert web.get("/api/v1/briefing", params={"as_of": at_}, headers=bearer(token)).json()["field"] == "as_of"
        assert web.get(f"/briefing/{at_[:10]}", headers={"Accept": "application/json"}).status_code in (401, 422)

    def test_a_case_form_with_an_extra_case_field(self, web, services, desk) -> None:
        case = desk.report("2018-03-03T08:10")
        token = issue(services, "coordinator")
        sign_in(web, token)
        response = web.post(
            f"/cases/{case}/follow-up",
            data={
                "csrf_token": csrf(web.get(f"/cases/{case}").text),
                "case": "CSU-2018-99999",
                "kind": "call",
                "outcome": "Spoke",
            },
        )
        assert response.status_code == 422, response.text


class TestSignOut:
    """Item 14: sign-out ends the session on the server; a cookie copied before it no longer works."""

    def test_a_copied_cookie_stops_working_at_sign_out(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        sign_in(web, issue(services, "sgt.jones"))
        assert web.get("/my-taskings").status_code == 200
        copied = web.cookies.get("tasking_session")
        page = web.get("/my-taskings").text
        assert web.post("/sign-out", data={"csrf_token": csrf(page)}, follow_redirects=False).status_code == 303
        web.cookies.set("tasking_session", copied)
        later = web.get("/my-taskings", follow_redirects=False)
        assert later.status_code == 303 and later.headers["location"].startswith("/sign-in")


class TestSecurityHeaders:
    """Item 15: every response carries a strict CSP, nosniff, a referrer policy and no framing."""

    @pytest.mark.parametrize(
        "path", ["/sign-in", "/health", "/api/v1/me", "/docs", "/openapi.json", "/static/style.css"]
    )
    def test_every_response_carries_them(self, shared_web, path: str) -> None:
        web, _ = shared_web
        headers = web.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"

    def test_the_docs_page_has_no_inline_script(self, shared_web) -> None:
        web, _ = shared_web
        page = web.get("/docs").text
        assert "<script>" not in page and "cdn" not in page
        assert web.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


class TestSchemaSaysWhatIsChecked:
    """Item 30: formats and enums in OpenAPI; a body that is not UTF-8 gets a documented 400."""

    def test_a_body_that_is_not_utf8_gets_a_documented_400(self, shared_web) -> None:
        web, desk = shared_web
        services = desk.services
        case = desk.report("2018-03-03T08:10")
        token = issue(services, "coordinator")
        body = f'{{"case": "{case}", "kind": "call", "outcome": "caf\xe9"}}'.encode("latin-1")
        response = web.post(
            "/api/v1/commands/record-follow-up",
            content=body,
            headers={**bearer(token), "Content-Type": "application/json"},
        )
        assert response.status_code == 400 and response.json()["field"] == "body", response.text
        documented = web.get("/openapi.json").json()["paths"]["/api/v1/commands/record-follow-up"]["post"]["responses"]
        assert "400" in documented

    def test_times_areas_agencies_categories_and_figures_carry_their_formats_and_enums(self, shared_web) -> None:
        web, desk = shared_web
        schema = web.get("/openapi.json").json()
        params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/cases"]["get"]["parameters"]}
        for name in ("at", "as_of"):
            assert any("pattern" in member for member in params[name]["anyOf"]), params[name]
        assert any(member.get("minimum") == 0 for member in params["position"]["anyOf"])
        config = desk.config
        area = params["area"]
        assert sorted(next(s for s in area.get("anyOf", [area]) if "enum" in s)["enum"]) == sorted(config.areas.names)
        taskings = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/taskings"]["get"]["parameters"]}
        agency = taskings["agency"]
        assert set(next(s for s in agency.get("anyOf", [agency]) if "enum" in s)["enum"]) == set(config.agencies)
        report = schema["components"]["schemas"]["RecordReport"]["properties"]
        assert set(report["category"]["enum"]) == set(config.categories)
        explain = {
            p["name"]: p["schema"]
            for p in schema["paths"]["/api/v1/stats/{year}/explain/{figure}"]["get"]["parameters"]
        }
        figure = re.compile(explain["figure"]["pattern"])
        assert figure.match("powers.CPW") and figure.match("taskings") and not figure.match("nonsense")
