"""Properties of the two kinds of time, on random command sequences, on SQLite and PostgreSQL.

1. An event recorded after position p never changes any read at `--position p`.
2. An event whose effective time is after T never changes any read at `--at T`.
3. A back-dated event (effective before T, recorded later) may change a read at `--at T` with the
   default as-of, but never one at an earlier `--position`: property 1 with a back-dated suffix.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasking.bootstrap import Services
from tasking.commands import send
from tasking.errors import DomainError
from tasking.queries.audit import audit, show
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.cases import list_cases
from tasking.queries.feedback import feedback_owed
from tasking.queries.repeats import repeat_flags
from tasking.queries.roster import briefings_issued, users
from tasking.queries.stats import year_stats
from tests.conftest import scratch_services, seed_roster
from tests.integration.test_projection_property import START, command_for, op

T = START + dt.timedelta(days=3)  # after every prefix event: START + at most a day + an hour per case
LATER = dt.timedelta(days=4)  # a suffix shifted by this is effective after T


def play(services: Services, people: dict[str, str], ops: list, refs: list[str], shift: dt.timedelta) -> None:
    for kind, pick, option, minutes in ops:
        command = command_for(kind, pick, option, minutes, refs, people)
        command = command.model_copy(
            update={
                "at": command.at + shift,
                **({"occurred_at": command.occurred_at + shift} if hasattr(command, "occurred_at") else {}),
            }
        )
        if hasattr(command, "due"):
            command = command.model_copy(update={"due": command.due + shift})
        try:
            result = send(services.app, command, log_it=False)
        except DomainError:
            continue  # an invalid step for this state: refused, nothing written
        if "case" in result and result["case"] not in refs:
            refs.append(result["case"])


def _attempt(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except DomainError as exc:
        return f"refused: {exc}"


def reads(
    services: Services, refs: list[str], at: dt.datetime | None, position: int | None, with_stats: bool = True
) -> dict[str, Any]:
    """Every read command's answer at one point (`at` None: no effective bound; T for the clock reads)."""
    r = services.read(at=at, position=position, user="coordinator")
    moment = r.point.until(at or T)
    meeting = meeting_for(r.config, at or T, at or T)
    found: dict[str, Any] = {
        "cases": list_cases(r),
        "users": users(r),
        "issued": briefings_issued(r),
        "feedback": feedback_owed(r.db, r.config, moment),
        "repeats": repeat_flags(r.db, r.config, moment),
        "briefing": briefing(services.read(position=position, user="coordinator"), meeting),
        "show": {ref: _attempt(show, r, ref) for ref in refs},
        "audit": {ref: _attempt(audit, r, ref) for ref in refs},
    }
    if with_stats:
        found["stats"] = year_stats(r.db, r.config, 2017, r.point.position)
    return found


def without_positions(value: Any) -> Any:
    """The answer less the record position it answered at (the head moves when more is recorded)."""
    if isinstance(value, dict):
        keep_position = "event" in value  # an audit entry's own position is a fact about that event
        return {k: without_positions(v) for k, v in value.items() if k != "position" or keep_position}
    if isinstance(value, list):
        return [without_positions(v) for v in value]
    if isinstance(value, str) and value.startswith("refused: "):
        return value.split(" by position", 1)[0]
    return value


SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@SETTINGS
@given(prefix=st.lists(op, min_size=1, max_size=25), suffix=st.lists(op, min_size=1, max_size=25))
def test_an_event_recorded_after_a_position_never_changes_a_read_at_it(
    backend: str,
    prefix,
    suffix,
    tmp_path_factory,
) -> None:
    with scratch_services(backend, tmp_path_factory.mktemp("recorded")) as services:
        people = seed_roster(services)
        refs: list[str] = []
        play(services, people, prefix, refs, dt.timedelta(0))
        p = services.read(user="coordinator").point.position
        known = list(refs)
        before = {at: reads(services, known, at, p) for at in (None, T)}
        # The suffix is effective around the same times: many entries are back-dated before T.
        play(services, people, suffix, refs, dt.timedelta(0))
        for at, answer in before.items():
            assert reads(services, known, at, p) == answer


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@SETTINGS
@given(prefix=st.lists(op, min_size=1, max_size=25), suffix=st.lists(op, min_size=1, max_size=25))
def test_an_event_effective_after_a_moment_never_changes_a_read_at_it(
    backend: str,
    prefix,
    suffix,
    tmp_path_factory,
) -> None:
    with scratch_services(backend, tmp_path_factory.mktemp("effective")) as services:
        people = seed_roster(services)
        refs: list[str] = []
        play(services, people, prefix, refs, dt.timedelta(0))
        known = list(refs)
        before = reads(services, known, T, None, with_stats=False)
        play(services, people, suffix, refs, LATER)  # every suffix event is effective after T
        after = reads(services, known, T, None, with_stats=False)
        assert without_positions(after) == without_positions(before)


def test_a_back_dated_entry_changes_now_but_not_the_earlier_record(desk) -> None:
    """The worked example of property 3: a follow-up recorded late, dated before the moment read."""
    from tasking.commands import RecordFollowUp

    case = desk.report("2018-03-05T10:00")
    p = desk.read().point.position
    moment = "2018-03-12T09:00"  # within the service level: nothing owed yet
    assert case not in {i["case"] for i in feedback_owed(desk.db, desk.config, desk.read(moment).point)}
    desk.send(RecordFollowUp, when="2018-03-06T15:00", case=case, kind="visit", outcome="Spoke to them")
    assert case in {i["case"] for i in feedback_owed(desk.db, desk.config, desk.read(moment).point)}
    assert case not in {i["case"] for i in feedback_owed(desk.db, desk.config, desk.read(moment, position=p).point)}
