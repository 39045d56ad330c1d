"""The reads' SQL prefilters never change an answer: on random command sequences, at many points,
each prefiltered read equals the same rule applied to the fold of every case.

The prefilters keep a read at county scale from folding all of history (`tasking.queries.state`:
a completed tasking stays completed, a case is open unless a closure stands; `hidden_cases`: only
cases with a restricted category or referral can be hidden). The views are SQLite on either
backend, so one backend is enough here.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasking.commands import CorrectCase, Refer, send
from tasking.errors import DomainError
from tasking.queries.access import hidden_cases, in_full
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states
from tasking.queries.taskings_due import due_items, due_taskings
from tasking.time.instants import local_date
from tests.conftest import scratch_services, seed_roster
from tests.integration.test_projection_property import START, command_for, op

# Besides the property test's steps: make a case restricted, by its category or by a referral.
restrict = st.tuples(st.just("restrict"), st.integers(0, 30), st.integers(0, 3), st.integers(0, 24 * 60))


def _command(step: tuple, refs: list[str], people: dict[str, str]):
    kind, pick, option, minutes = step
    if kind != "restrict" or not refs:
        return command_for("report" if kind == "restrict" else kind, pick, option, minutes, refs, people)
    at = START + dt.timedelta(minutes=minutes + 60 * len(refs))
    case = refs[pick % len(refs)]
    if option % 2:
        return Refer(user="coordinator", at=at, case=case, to=["da-marac", "channel-panel"][option // 2])
    return CorrectCase(
        user="coordinator",
        at=at,
        case=case,
        field="category",
        reason="r",
        value=["domestic-abuse", "noise"][option // 2],
    )


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.one_of(op, restrict), min_size=1, max_size=40))
# A completed tasking beside an open one due later; a closed case reopened; a restricting referral.
@example(steps=[("report", 0, 0, 0), ("task", 0, 0, 0), ("task", 0, 3, 0), ("complete", 0, 0, 0)])
@example(
    steps=[
        ("report", 0, 0, 0),
        ("task", 0, 0, 0),
        ("complete", 0, 0, 1),
        ("close", 0, 0, 10),
        ("reopen", 0, 0, 20),
        ("task", 0, 0, 30),
    ]
)
@example(steps=[("report", 0, 0, 0), ("restrict", 0, 1, 5), ("restrict", 0, 0, 9)])
def test_prefiltered_reads_equal_the_rule_over_every_case(steps, tmp_path_factory) -> None:
    with scratch_services("sqlite", tmp_path_factory.mktemp("prefilters")) as services:
        people = seed_roster(services)
        refs: list[str] = []
        for step in steps:
            try:
                result = send(services.app, _command(step, refs, people), log_it=False)
            except DomainError:
                continue
            if "case" in result and result["case"] not in refs:
                refs.append(result["case"])
        head = services.read(user="coordinator").point.position
        for position in sorted({head, head * 2 // 3, head // 3}):
            for hours in (1, 6, 20, 40, 24 * 5, 24 * 30):
                moment = START + dt.timedelta(hours=hours)
                point = ReadPoint(at=moment, position=position)
                db = services.read(user="coordinator").db
                every = case_states(db, point)
                assert due_taskings(db, point, local_date(moment)) == due_items(every, local_date(moment))
                for user, shared in (("sgt.jones", False), ("coordinator", True), ("analyst", False)):
                    reader = services.read(position=position, user=user, shared=shared)
                    assert set(hidden_cases(reader, point, set(every))) == {
                        ref for ref, state in every.items() if not in_full(reader, state)
                    }
