"""Property: for random command sequences, catching up after every command equals one clean rebuild."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasking.commands import (
    AssessRisk,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
    Refer,
    ReopenCase,
    UpdateReporter,
    UsePower,
    send,
)
from tasking.domain.errors import DomainError
from tasking.projections.runner import Views
from tests.conftest import scratch_services, seed_roster

START = dt.datetime(2018, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
AREAS = ["Swanley", "Edenbridge", "Hartley"]
LOCATIONS = ["Azalea Shops", "azalea shops", "Mill Road", "The Green"]

op = st.tuples(
    st.sampled_from(["report", "report", "task", "reassign", "complete", "follow-up", "update", "power", "refer",
                     "risk", "correct", "close", "reopen", "link"]),
    st.integers(0, 30),  # which case
    st.integers(0, 3),  # which tasking / option
    st.integers(0, 24 * 60),  # minutes after the case's report
)


def command_for(kind: str, pick: int, option: int, minutes: int, refs: list[str], people: dict[str, str]):  # noqa: ANN201
    at = START + dt.timedelta(minutes=minutes + 60 * len(refs))
    who = dict(user=["coordinator", "sgt.jones", "warden.grange"][option % 3], at=at)
    if kind == "report" or not refs:
        reporter = [people["resident"], people["victim"], None][option % 3]
        return RecordReport(**who, source=["COUNCIL", "POLICE", "PARISH"][pick % 3], category="youth-nuisance",
                            area=AREAS[pick % 3], location=LOCATIONS[option], occurred_at=at - dt.timedelta(hours=1),
                            reporter=reporter, anonymous=reporter is None, no_feedback=option == 3, summary="s")
    case = refs[pick % len(refs)]
    tasking = f"T{option + 1}"
    return {
        "task": lambda: RaiseTasking(**who, case=case, agency="WARDENS", action="a", due=at.date() + dt.timedelta(days=option)),
        "reassign": lambda: ReassignTasking(**who, case=case, tasking=tasking, agency="POLICE"),
        "complete": lambda: CompleteTasking(**who, case=case, tasking=tasking, result="r"),
        "follow-up": lambda: RecordFollowUp(**who, case=case, kind=["visit", "call", "letter", "email"][option], outcome="o"),
        "update": lambda: UpdateReporter(**who, case=case, channel="phone", note="n"),
        "power": lambda: UsePower(**who, case=case, power=["CPW", "CPN", "CBO", "abc"][option]),
        "refer": lambda: Refer(**who, case=case, to="mediation"),
        "risk": lambda: AssessRisk(**who, case=case, level=["standard", "medium", "high", "high"][option], reason="r"),
        "correct": lambda: CorrectCase(**who, case=case, field=["area", "location", "category", "source"][option],
                                       value=[AREAS[0], "Mill Rd", "noise", "POLICE"][option], reason="r"),
        "close": lambda: CloseCase(**who, case=case, reason="resolved"),
        "reopen": lambda: ReopenCase(**who, case=case, reason="again"),
        "link": lambda: LinkCases(**who, case=case, to=refs[(pick + 1) % len(refs)],
                                  reason=["same-incident", "same-problem"][option % 2]),
    }[kind]()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=40), batch=st.integers(1, 9))
def test_incremental_catch_up_equals_a_full_rebuild(backend: str, ops, batch: int, tmp_path_factory) -> None:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("prop")
    with scratch_services(backend, folder, views="live.db") as services:
        people = seed_roster(services)
        live = Views(str(folder / "live.db"))
        refs: list[str] = []
        for kind, pick, option, minutes in ops:
            try:
                result = send(services.app, command_for(kind, pick, option, minutes, refs, people))
            except DomainError:
                continue  # an invalid step for this state: refused, nothing written
            if "case" in result and result["case"] not in refs:
                refs.append(result["case"])
            live.catch_up(services.app, batch=batch)
        fresh = Views(str(folder / "fresh.db"))
        fresh.catch_up(services.app, batch=1000)
        assert live.dump() == fresh.dump()
        live.rebuild(services.app, batch=batch + 3)
        assert live.dump() == fresh.dump()
        assert_analyst_views_match_the_fold(services)
        live.close()
        fresh.close()


def assert_analyst_views_match_the_fold(services) -> None:  # noqa: ANN001
    """The `cases` and `taskings` views (for analysts) hold exactly the latest point's fold."""
    from tasking.queries.state import case_states

    read = services.read()
    states = case_states(read.db, read.point)
    cases = {row["reference"]: row for row in read.db.query("SELECT * FROM cases")}
    assert set(cases) == set(states)
    for ref, state in states.items():
        row = cases[ref]
        assert (row["status"], row["category"], row["area"], row["location"], row["source"], row["risk"],
                row["occurred_at"], row["closed_at"], row["closed_reason"]) == (
            state.status, state.category, state.area, state.location, state.source, state.risk,
            state.occurred_at, state.closed_at, state.closed_reason)
    taskings = {(r["case"], r["tasking"]): r for r in read.db.query("SELECT * FROM taskings")}
    folded = {(ref, t.tasking): t for ref, s in states.items() for t in s.taskings.values()}
    assert set(taskings) == set(folded)
    for key, tasking in folded.items():
        row = taskings[key]
        assert (row["tasked_agency"], row["owner"], row["due"], row["status"], row["completed_at"]) == (
            tasking.tasked_agency, tasking.owner, tasking.due, tasking.status, tasking.completed_at)
