"""Request ids and build markers, through the real bus and stores (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import RecordFollowUp, send
from tasking.errors import DomainError
from tests.conftest import Desk, at, make_store


def follow_up(outcome: str = "Spoke to parents") -> RecordFollowUp:
    return RecordFollowUp(
        user="coordinator", at=at("2018-03-06T10:00"), case="CSU-2017-00001", kind="visit", outcome=outcome
    )


def test_a_request_is_recorded_with_the_commands_events_and_handled_once(desk: Desk) -> None:
    desk.report("2018-03-05T08:00")
    app = desk.services.app
    before = app.event_count()
    first = send(app, follow_up(), request_id="r-1")
    assert app.event_count() == before + 2
    assert send(app, follow_up(), request_id="r-1") == first
    assert app.event_count() == before + 2
    with pytest.raises(DomainError, match="request-id: 'r-1' was already used for this command with different content"):
        send(app, follow_up("Something else"), request_id="r-1")
    record = app.find_request("r-1")
    assert record is not None and record.result == {"case": "CSU-2017-00001"} and record.digest.startswith("sha256:")
    assert "Spoke to parents" not in repr(record.__dict__)  # the content is kept only as a salted digest


def test_a_refused_command_records_no_request(desk: Desk) -> None:
    app = desk.services.app
    before = app.event_count()
    with pytest.raises(DomainError):
        send(app, follow_up(), request_id="r-2")  # no such case yet
    assert app.event_count() == before and app.find_request("r-2") is None


def test_an_interrupted_store_copy_is_an_unfinished_build(
    desk: Desk, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tasking.store.migrate import copy_store

    for hour in range(10, 14):
        desk.report(f"2018-03-05T{hour}:00")
    target = bootstrap(Settings(store=make_store("sqlite", tmp_path, request, name="target")), create_tables=True)

    def stop(_: int) -> None:
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            copy_store(desk.services, target, progress=stop, batch=5, user="coordinator")
        [unfinished] = target.app.unfinished_builds()
        assert unfinished["command"].startswith("tasking store copy --from ") and unfinished["started_at"] == 1
        assert unfinished["store_position"] == 6
    finally:
        target.close()
    finished = bootstrap(Settings(store=make_store("sqlite", tmp_path, request, name="second")), create_tables=True)
    try:
        copy_store(desk.services, finished, user="coordinator")
        assert finished.app.unfinished_builds() == []
        assert finished.app.event_count() == desk.services.app.event_count() + 2
    finally:
        finished.close()
