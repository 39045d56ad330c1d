"""A briefing read at a `--position` keeps its bytes whatever is recorded later, back-dated events
included: reports, links, corrections, referrals, taskings and closures effective before the meeting."""

from __future__ import annotations

import datetime as dt
import json

from tasking.commands import CloseCase, CompleteTasking, CorrectCase, LinkCases, RaiseTasking, Refer
from tasking.queries.briefing import briefing, meeting_for
from tests.conftest import Desk, at


def brief_bytes(desk: Desk, user: str = "coordinator", **recorded: object) -> str:
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    return json.dumps(briefing(desk.read(user=user, **recorded), meeting), sort_keys=True)


def test_the_briefing_at_a_position_is_unchanged_by_later_back_dated_events(desk: Desk) -> None:
    victim = desk.people["victim"]
    cases = [
        desk.report(when, location="12 Mill Road", victim=victim, source=source)
        for when, source in (
            ("2018-03-01T10:00", "COUNCIL"),
            ("2018-03-02T10:00", "POLICE"),
            ("2018-03-03T10:00", "COUNCIL"),
        )
    ]
    desk.send(
        RaiseTasking, when="2018-03-03T11:00", case=cases[2], agency="POLICE", action="Visit", due=dt.date(2018, 3, 4)
    )
    position = desk.read().point.position
    before = {user: brief_bytes(desk, user, position=position) for user in ("coordinator", "warden.grange")}
    assert json.loads(before["coordinator"])["repeat_flags"]  # the flags, duplicates and taskings are shown
    # Back-dated facts, all effective before the meeting, recorded after the position.
    late = desk.report("2018-03-04T10:00", location="12 Mill Road", victim=victim, source="POLICE")
    desk.send(LinkCases, when="2018-03-02T11:00", case=cases[1], to=cases[0], reason="same-incident")
    desk.send(LinkCases, when="2018-03-04T11:00", case=late, to=cases[2], reason="same-problem")
    desk.send(CorrectCase, when="2018-03-03T12:00", case=cases[2], field="category", value="domestic-abuse", reason="r")
    desk.send(Refer, when="2018-03-03T13:00", case=cases[0], to="channel-panel")
    desk.send(CompleteTasking, when="2018-03-04T09:00", case=cases[2], tasking="T1", result="Done")
    desk.send(CloseCase, when="2018-03-04T12:00", case=cases[1], reason="resolved")
    after = {user: brief_bytes(desk, user) for user in before}
    assert after["coordinator"] != before["coordinator"]  # the later record does change the briefing
    assert {user: brief_bytes(desk, user, position=position) for user in before} == before
