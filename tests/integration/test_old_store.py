"""A store written by version 0.1 (before the modules moved) still works: every event decodes, the
views rebuild and verify, and `audit` prints what it printed then."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tasking.bootstrap import Settings, bootstrap
from tasking.projections.runner import Views
from tasking.queries.audit import audit, show

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = ("CSU-2017-00001", "CSU-2017-00002", "CSU-2017-00003")


@pytest.fixture(name="old")
def fixture_old(tmp_path: Path):
    store = tmp_path / "store.db"
    shutil.copy(FIXTURES / "store-0.1.db", store)
    services = bootstrap(Settings(store=str(store), views=str(tmp_path / "views.db")))
    yield services
    services.close()


def test_every_stored_event_decodes(old) -> None:
    notifications = old.app.recorder.select_notifications(0, 1000)
    assert len(notifications) == 31
    topics = {n.topic for n in notifications}
    assert "tasking.domain.case:Case.Reported" in topics and "tasking.domain.briefing:Briefing.BriefingIssued" in topics
    for notification in notifications:
        event = old.app.mapper.to_domain_event(notification)
        assert event.originator_id == notification.originator_id


def test_the_views_rebuild_and_verify(old, tmp_path: Path) -> None:
    live = old.open_views()
    assert live.catch_up(old.app) == 31
    fresh = Views(str(tmp_path / "fresh.db"))
    fresh.rebuild(old.app, batch=7)
    assert live.dump() == fresh.dump()
    fresh.close()


@pytest.mark.parametrize("number", [1, 2, 3])
def test_audit_prints_what_it_printed_before_the_move(old, number: int) -> None:
    before = json.loads((FIXTURES / f"store-0.1.audit-{number}.json").read_text(encoding="utf-8"))
    now = audit(old.read(user="coordinator"), CASES[number - 1])
    assert now["case"] == before["case"]
    # The entries gained their position; everything they said before is said the same way.
    assert [{k: v for k, v in e.items() if k != "position"} for e in now["entries"]] == before["entries"]
    assert [e["position"] for e in now["entries"]] == sorted(e["position"] for e in now["entries"])


@pytest.mark.parametrize("number", [1, 2, 3])
def test_show_gives_the_same_state(old, number: int) -> None:
    before = json.loads((FIXTURES / f"store-0.1.show-{number}.json").read_text(encoding="utf-8"))
    now = show(old.read(user="coordinator"), CASES[number - 1])
    same = (
        "case",
        "status",
        "closed_reason",
        "source",
        "channel",
        "category",
        "area",
        "location",
        "occurred_at",
        "received_at",
        "reporter",
        "victim",
        "feedback",
        "risk",
        "summary",
        "links",
        "events",
    )
    assert {k: now[k] for k in same} == {k: before[k] for k in same}
    assert [(t["tasking"], t["status"], t["due"]) for t in now["taskings"]] == [
        (t["tasking"], t["status"], t["due"]) for t in before["taskings"]
    ]
