"""One web request does only its own work (issue 22, item 5): a head check instead of a catch-up
when nothing was recorded, one key store per pool, one authentication, and an access-log entry
that is in the store before its response is sent."""

from __future__ import annotations

from tasking.projections import decode
from tasking.web import auth
from tests.web.conftest import bearer, issue


def _counting(monkeypatch, owner, name: str) -> list[int]:
    """Count calls of `owner.name` (the real function still runs)."""
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


class TestCatchUp:
    def test_a_read_with_nothing_recorded_since_reads_no_events(self, services, desk, monkeypatch) -> None:
        """The second of two reads, with nothing recorded between them, only compares the head."""
        desk.report("2018-03-03T08:10")
        services.read(user="coordinator")
        pages = _counting(monkeypatch, decode.Pages, "after")
        services.read(user="coordinator")
        assert pages == []

    def test_a_second_request_with_nothing_recorded_since_reads_no_events(self, web, services, monkeypatch) -> None:
        token = issue(services, "coordinator")
        assert web.get("/api/v1/users", headers=bearer(token)).status_code == 200
        pages = _counting(monkeypatch, decode.Pages, "after")
        assert web.get("/api/v1/users", headers=bearer(token)).status_code == 200
        assert pages == []

    def test_a_read_after_a_write_applies_it(self, services, desk, monkeypatch) -> None:
        services.read(user="coordinator")
        case = desk.report("2018-03-03T08:10")
        reader = services.read(user="coordinator")
        assert reader.db.execute("SELECT COUNT(*) FROM cases WHERE reference = ?", [case]).fetchone()[0] == 1


class TestAuthentication:
    def test_a_write_checks_its_token_once(self, web, services, desk, monkeypatch) -> None:
        """The body limit checks the token before reading the body; the route takes that user."""
        case = desk.report("2018-03-03T08:10")
        token = issue(services, "coordinator")
        checks = _counting(monkeypatch, auth, "authenticate")
        from tasking.web import api_desk

        monkeypatch.setattr(api_desk, "authenticate", auth.authenticate)
        sent = web.post(
            "/api/v1/commands/record-follow-up",
            headers=bearer(token),
            json={"case": case, "kind": "call", "outcome": "Spoke"},
        )
        assert sent.status_code == 200, sent.text
        assert len(checks) == 1
        assert web.get(f"/api/v1/cases/{case}", headers=bearer(token)).json()["follow_ups"][0]["user"] == "coordinator"

    def test_a_read_without_a_body_is_still_checked_by_its_route(self, web, services, monkeypatch) -> None:
        token = issue(services, "coordinator")
        checks = _counting(monkeypatch, auth, "authenticate")
        from tasking.web import api_desk

        monkeypatch.setattr(api_desk, "authenticate", auth.authenticate)
        assert web.get("/api/v1/me", headers=bearer(token)).json()["user"] == "coordinator"
        assert web.get("/api/v1/me", headers=bearer("made-up")).status_code == 401
        assert len(checks) == 2


class TestKeyStore:
    def test_a_pool_opens_its_key_store_once_and_closes_it_once(self, services, people, monkeypatch) -> None:
        """Two instances borrowed at once (two requests in flight) share one key store, and each
        reveals sealed details with it."""
        from tasking import bootstrap as composition
        from tasking.bootstrap import Settings
        from tasking.domain.ids import person_id
        from tasking.web.pool import ServicesPool

        opened = _counting(monkeypatch, composition, "open_keys")
        pool = ServicesPool(Settings(store=services.settings.store, views=services.settings.views_path), size=2)
        with pool.borrow() as first, pool.borrow() as second:
            assert first.app is not second.app and first.app.keys is second.app.keys
            for borrowed in (first, second):
                person = borrowed.app.repository.get(person_id(people["resident"]))
                assert person.name == "Pat Smith"
        with pool.borrow() as again:
            assert again.app.keys is first.app.keys
        assert len(opened) == 1
        closed = _counting(monkeypatch, type(first.app.keys), "close")
        pool.close()
        assert len(closed) == 1

    def test_threads_revealing_many_owners_at_once_read_every_key_once(self, services, monkeypatch) -> None:
        """A briefing reveals the details of many people, so the store reads every key at once (0.4 s
        of CPU for 100,000 keys). Two requests of a pool doing so together read them once, not twice:
        the first read waits (up to 2 s) for a second one to meet it, and none comes."""
        import contextlib
        import threading

        from tasking.bootstrap import open_keys

        tokens = [services.app.keys.seal(f"00000000-0000-4000-8000-{n:012d}", "name", f"p{n}") for n in range(80)]
        fresh = open_keys(services.settings, services.settings.event_store_env(False))  # no key read yet
        store_type, real = type(fresh), type(fresh)._load_all
        both, reads = threading.Barrier(2, timeout=2), []

        def load_all(store) -> None:
            reads.append(1)
            with contextlib.suppress(threading.BrokenBarrierError):
                both.wait()
            real(store)

        monkeypatch.setattr(store_type, "_load_all", load_all)
        found: list[list[str]] = []
        threads = [threading.Thread(target=lambda: found.append([fresh.reveal(t) for t in tokens])) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        fresh.close()
        assert found == [[f"p{n}" for n in range(80)]] * 2
        assert len(reads) == 1


class TestAccessLog:
    def test_an_entry_committed_before_a_crash_is_in_the_log_and_no_response_was_sent(
        self, services, desk, tmp_path, monkeypatch
    ) -> None:
        """The worker dies between the access log's commit and the response (a fault-injection
        point, not a timed kill): the client gets no answer, and the store has the entry."""
        import httpx

        from tasking.queries.access import access_log
        from tests.web.conftest import serving

        case = desk.report("2018-03-03T08:10")
        token = issue(services, "coordinator")
        monkeypatch.setenv("TASKING_ACCESS_LOG_FAULT", "after-commit")
        with serving(services, tmp_path) as base:
            try:
                answered = httpx.get(f"{base}/api/v1/cases/{case}", headers=bearer(token), timeout=120)
            except httpx.TransportError:
                answered = None
        assert answered is None, answered.text
        entries = access_log(services.read(user="coordinator"), case=case)["entries"]
        assert [(e["user"], e["action"], e["cases"]) for e in entries] == [("coordinator", "show", [case])]

    def test_reads_at_once_each_leave_their_entry(self, web, services, desk) -> None:
        """Entries from concurrent requests, committed together, are each in the log once."""
        import threading

        from tasking.queries.access import access_log

        cases = [desk.report(f"2018-03-0{day}T08:10") for day in (1, 2, 3, 4)]
        token = issue(services, "coordinator")
        statuses: list[int] = []
        threads = [
            threading.Thread(
                target=lambda case=case: statuses.append(
                    web.get(f"/api/v1/cases/{case}", headers=bearer(token)).status_code
                )
            )
            for case in cases
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * 4
        entries = access_log(services.read(user="coordinator"), user="coordinator")["entries"]
        assert sorted(c for e in entries if e["action"] == "show" for c in e["cases"]) == sorted(cases)

    def test_an_app_shut_down_and_started_again_still_logs(self, services, desk, people) -> None:
        """A test client runs the app's shutdown at the end of each use (the pool closes, its writer
        too); the same app used again records its entries as before."""
        from fastapi.testclient import TestClient

        from tasking.bootstrap import Settings
        from tasking.queries.access import access_log
        from tasking.web import create_app

        case = desk.report("2018-03-03T08:10")
        token = issue(services, "coordinator")
        app = create_app(Settings(store=services.settings.store, views=services.settings.views_path), pool_size=2)
        for _ in range(2):
            with TestClient(app) as client:
                assert client.get(f"/api/v1/cases/{case}", headers=bearer(token)).status_code == 200
        entries = access_log(services.read(user="coordinator"), case=case)["entries"]
        assert [e["action"] for e in entries] == ["show", "show"]
