"""Property: one case state. For random command sequences (back-dated steps and corrections among
them) the aggregate's state, the state the read side folds from its stored `activity` rows, the
bitemporal `case_versions` row the projection stored, and a fresh fold of the stored events
(`tasking.domain.case_state.fold`) agree after every step; and at every recorded position and
effective time, the read side's fold and its versioned row equal the fold of the events within it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasking.commands import send
from tasking.domain.case import Case
from tasking.domain.case_state import KIND_OF, CaseState, fact_of, fold
from tasking.errors import DomainError
from tasking.domain.ids import case_id
from tasking.queries.briefing import reports_since, tasked_since, taskings_not_yet_due
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states, revealer, versioned_states
from tasking.queries.taskings_due import due_items, due_taskings
from tests.conftest import scratch_services, seed_roster
from tests.integration.test_projection_property import command_for

# Back-dating: a step's effective time is drawn from a day after its case's report, in any order
# against the steps recorded before it; `correct` changes category, area, location or source.
KINDS = [
    "report",
    "report",
    "task",
    "reassign",
    "complete",
    "follow-up",
    "update",
    "power",
    "refer",
    "risk",
    "correct",
    "correct",
    "close",
    "reopen",
    "link",
    "lead",
    "review",
]
# Few distinct minutes, so that steps on one case often land out of order (back-dated).
op = st.tuples(st.sampled_from(KINDS), st.integers(0, 8), st.integers(0, 3), st.sampled_from([0, 5, 30, 90, 600]))
# One sequence always tried: risk and a correction each back-dated behind an earlier-recorded one.
BACK_DATED = [
    ("report", 0, 0, 0),
    ("risk", 0, 3, 90),
    ("risk", 0, 0, 30),
    ("correct", 0, 0, 600),
    ("correct", 0, 0, 5),
    ("task", 0, 0, 90),
    ("complete", 0, 0, 600),
    ("reopen", 0, 0, 5),
]


DAYS = [dt.date(2018, 3, 1), dt.date(2018, 3, 2), dt.date(2018, 3, 4)]


def folded_taskings(states: dict[str, CaseState]) -> list[dict[str, object]]:
    return [
        {
            "case": case.reference,
            "tasking": t.tasking,
            "tasked_agency": t.tasked_agency,
            "owner": t.owner,
            "action": t.action,
            "due": t.due,
            "raised_at": t.raised_at,
            "status": t.status,
            "case_open": case.is_open,
        }
        for case in states.values()
        for t in case.taskings.values()
    ]


def strip(item: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in item.items() if key != "case_open"}


def comparable(state: CaseState | None) -> dict[str, object] | None:
    """A state without the facts it folded (the read side's facts are `activity` rows, with more columns)."""
    if state is None:
        return None
    found = dataclasses.asdict(state)
    found.pop("rows")
    return found


def stored_case_events(services) -> list[tuple[int, object]]:
    """Every stored event on a case that the state folds, with its position, in recorded order."""
    app = services.app
    found = []
    for notification in app.recorder.select_notifications(0, 1_000_000):
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, Case.Reported) or (
            type(event).__qualname__.startswith("Case.") and type(event).__name__ in KIND_OF
        ):
            found.append((notification.id, event))
    return found


def fresh_fold(
    read,
    events: list[tuple[int, object]],
    reference: str,
    position: int,
    at: dt.datetime | None,
) -> CaseState | None:
    """The fold of one case's events recorded by `position` and effective by `at` (free text shown
    through the read side's one revealer: the stored events hold it sealed)."""
    cid, reveal = case_id(reference), revealer(read.db)
    facts = [
        fact_of(event)
        for pos, event in events
        if event.originator_id == cid and pos <= position and (at is None or event.at <= at)
    ]
    return fold({**fact, "text": reveal(fact["text"]) if fact["text"] is not None else None} for fact in facts)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=25))
@example(ops=BACK_DATED)
def test_aggregate_read_side_and_fold_agree_at_every_point(backend: str, ops, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("state")
    with scratch_services(backend, folder) as services:
        people = seed_roster(services)
        refs: list[str] = []
        for kind, pick, option, minutes in ops:
            try:
                result = send(services.app, command_for(kind, pick, option, minutes, refs, people))
            except DomainError:
                continue  # refused: nothing written
            if "case" in result and result["case"] not in refs:
                refs.append(result["case"])
            read = services.read(user="coordinator")
            events = stored_case_events(services)
            projected = case_states(read.db, read.point)
            versioned = versioned_states(read.db, read.point)
            assert set(projected) == set(refs) == set(versioned)
            for ref in refs:
                aggregate = services.app.repository.get(case_id(ref)).state
                fresh = fresh_fold(read, events, ref, read.point.position, None)
                assert (
                    comparable(aggregate)
                    == comparable(fresh)
                    == comparable(projected[ref])
                    == comparable(versioned[ref])
                )
        # Every recorded position and every effective time a step named (and just before it).
        read = services.read(user="coordinator")
        events = stored_case_events(services)
        positions = sorted({pos for pos, _ in events})
        instants = sorted({event.at for _, event in events})
        times = [None, *instants, *(t - dt.timedelta(seconds=1) for t in instants)]
        for position in positions:
            for at in times:
                point = ReadPoint(at=at, position=position)
                projected, versioned = case_states(read.db, point), versioned_states(read.db, point)
                for ref in refs:
                    assert (
                        comparable(projected.get(ref))
                        == comparable(fresh_fold(read, events, ref, position, at))
                        == comparable(versioned.get(ref))
                    ), (ref, position, at)
                # The taskings due, read from `tasking_versions` by index, are the fold's.
                for day in DAYS:
                    assert due_taskings(read.db, point, day) == due_items(projected, day)
                    not_yet = [
                        t
                        for t in folded_taskings(projected)
                        if t["case_open"] and t["status"] == "open" and t["due"] > day.isoformat()
                    ]
                    assert taskings_not_yet_due(read.db, point, day) == sorted(
                        (strip(t) for t in not_yet),
                        key=lambda t: (t["tasked_agency"], t["owner"] or "", t["due"], t["case"], t["tasking"]),
                    )
                since = dt.datetime(2018, 3, 1, 12, tzinfo=dt.UTC)
                assert {ref: comparable(state) for ref, state in reports_since(read.db, point, since).items()} == {
                    ref: comparable(state)
                    for ref, state in projected.items()
                    if state.received_at > "2018-03-01T12:00:00Z"
                }
                assert tasked_since(read.db, point, since) == sorted(
                    (strip(t) for t in folded_taskings(projected) if t["raised_at"] > "2018-03-01T12:00:00Z"),
                    key=lambda t: (t["raised_at"], t["case"], t["tasking"]),
                )
