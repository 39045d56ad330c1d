"""A writer that keeps meeting conflicting writers is retried until its command is written, however
many times it collides: under heavy load eight processes on one case collided fifty times in a row
(`test_concurrency` at load 12), and a command given up on after a fixed number of attempts is a
follow-up lost."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from tasking.commands import RecordFollowUp, bus, send
from tests.conftest import Desk, at


def test_a_command_colliding_sixty_times_is_still_written_once(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    case = desk.report("2018-03-05T08:00")
    app = desk.services.app
    before = app.event_count()
    real = bus._handle_once
    collisions = {"left": 60}

    def collides_first(*args: Any) -> Any:
        # Another writer got there first: the same error the store raises on a version already taken.
        if collisions["left"]:
            collisions["left"] -= 1
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(*args)

    monkeypatch.setattr(bus, "_handle_once", collides_first)
    monkeypatch.setattr(bus.time, "sleep", lambda seconds: None)  # the back-off, not what is checked
    follow_up = RecordFollowUp(user="coordinator", at=at("2018-03-06T10:00"), case=case, kind="visit", outcome="Seen")
    assert send(app, follow_up) == {"case": case}
    assert collisions["left"] == 0 and app.event_count() == before + 1
