"""Property: for random sequences of escalation commands (case reviews, groups, MARAC, risk reviews),
catching up after every command equals one clean rebuild, and the cases view holds the fold."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasking.commands import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    MaracDiscuss,
    MaracMeetingsAdd,
    RecordReport,
    ReviewCase,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgOpen,
    send,
)
from tasking.commands.escalation import MaracActionItem
from tasking.errors import DomainError
from tasking.projections.runner import Views
from tests.conftest import scratch_services, seed_roster
from tests.integration.test_projection_property import (
    assert_analyst_views_match_the_fold,
    assert_catch_up_equals_rebuild,
)

START = dt.datetime(2018, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
KINDS = [
    "report",
    "report",
    "apply",
    "ack",
    "assess",
    "decide",
    "hold",
    "recommend",
    "tfg",
    "tfg-case",
    "tfg-action",
    "tfg-complete",
    "meeting",
    "discuss",
    "review",
]
op = st.tuples(st.sampled_from(KINDS), st.integers(0, 9), st.integers(0, 3))


def command_for(kind: str, pick: int, option: int, step: int, made: dict[str, list[str]], people: dict[str, str]):
    at = START + dt.timedelta(days=step)
    who = dict(user="coordinator", at=at)
    cases, reviews, groups, meetings = (made[k] for k in ("case", "review", "group", "meeting"))
    person = [people["resident"], people["victim"]][option % 2]
    if kind == "report" or not cases:
        return RecordReport(
            **who,
            source="COUNCIL",
            category=["noise", "youth-nuisance", "domestic-abuse"][option % 3],
            area="Swanley",
            location="Azalea Shops",
            occurred_at=at - dt.timedelta(hours=1),
            reporter=person,
            summary="s",
            risk=["standard", "medium", "high"][option % 3],
        )
    case, review = cases[pick % len(cases)], reviews[pick % len(reviews)] if reviews else "CR-2017-999"
    group = groups[pick % len(groups)] if groups else "TFG-2017-99"
    due = at.date() + dt.timedelta(days=7)
    return {
        "apply": lambda: CaseReviewApply(**who, applicant=person, cases=(case,) if option else ()),
        "ack": lambda: CaseReviewAcknowledge(**who, review=review),
        "assess": lambda: CaseReviewAssess(**who, review=review),
        "decide": lambda: CaseReviewDecide(
            **who, review=review, outcome=["review", "no-review"][option % 2], reason="r"
        ),
        "hold": lambda: CaseReviewHold(**who, review=review),
        "recommend": lambda: CaseReviewRecommend(**who, review=review, agency="HOUSING", action="a", due=due),
        "tfg": lambda: TfgOpen(**who, focus="f", area="Swanley", cases=(case,), reason="r"),
        "tfg-case": lambda: TfgAddCase(**who, group=group, case=case),
        "tfg-action": lambda: TfgAction(**who, group=group, agency="POLICE", action="a", due=due),
        "tfg-complete": lambda: TfgComplete(**who, group=group, outcome="o"),
        "meeting": lambda: MaracMeetingsAdd(**who),
        "discuss": lambda: MaracDiscuss(
            **who,
            case=case,
            meeting=dt.date.fromisoformat(meetings[pick % len(meetings)]) if meetings else at.date(),
            outcome="o",
            actions=(MaracActionItem(agency="POLICE", action="a", due=due + dt.timedelta(days=30)),)
            if option == 1
            else (),
            discharge=option == 2,
        ),
        "review": lambda: ReviewCase(**who, case=case, note="n", level=[None, "medium", "high", "standard"][option]),
    }[kind]()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=30), batch=st.integers(1, 7))
def test_incremental_catch_up_equals_a_full_rebuild(backend: str, ops, batch: int, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("escalation-prop")
    with scratch_services(backend, folder, views="live.db") as services:
        people = seed_roster(services)
        live = Views(str(folder / "live.db"))
        made: dict[str, list[str]] = {"case": [], "review": [], "group": [], "meeting": []}
        for step, (kind, pick, option) in enumerate(ops):
            try:
                result = send(services.app, command_for(kind, pick, option, step, made, people))
            except DomainError:
                continue  # an invalid step for this state: refused, nothing written
            for key in made:
                if key in result and result[key] not in made[key] and kind not in ("discuss", "tfg-case", "recommend"):
                    made[key].append(result[key])
            live.catch_up(services.app, batch=batch)
        assert_catch_up_equals_rebuild(services, live, folder, batch)
        assert_analyst_views_match_the_fold(services)
        live.close()
