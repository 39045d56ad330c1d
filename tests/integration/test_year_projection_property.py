"""Property: for random sequences of the partnership's year (plan, activities, funding, CCTV),
catching up after every command equals one clean rebuild, and the year's figures read at an
earlier position keep their bytes whatever is recorded after it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasking.commands import send
from tasking.commands.year import (
    ActivityRecord,
    CctvAdd,
    CctvDeploy,
    CctvLink,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PactAdd,
    PlanAdd,
    PlanUpdate,
)
from tasking.errors import DomainError
from tasking.projections.runner import Views
from tasking.queries.stats import canonical
from tasking.queries.year_figures import year_figures
from tests.conftest import scratch_services, seed_roster
from tests.integration.test_projection_property import assert_catch_up_equals_rebuild

START = dt.datetime(2017, 4, 3, 9, 0, tzinfo=dt.timezone.utc)
KINDS = ["plan", "update", "pact", "activity", "grant", "allocate", "spend", "camera", "deploy", "link"]
STATUSES = ["on-track", "achieved", "not-achieved", "dropped"]
op = st.tuples(st.sampled_from(KINDS), st.integers(0, 9), st.integers(0, 3))


def command_for(kind: str, pick: int, option: int, step: int, made: dict[str, list[str]]):
    at = START + dt.timedelta(days=7 * step)
    who = dict(user="coordinator", at=at)
    first = lambda key, fallback: made[key][pick % len(made[key])] if made[key] else fallback  # noqa: E731
    return {
        "plan": lambda: PlanAdd(
            **who,
            year=2017 - option % 2,
            priority=["asb", "mental-health"][option % 2],
            action="a",
            lead="POLICE",
            due=dt.date(2018, 3, 31),
        ),
        "update": lambda: PlanUpdate(
            **who, action=first("action", "AP-2017-99"), status=STATUSES[option], reason="r" if option == 3 else None
        ),
        "pact": lambda: PactAdd(**who, name=f"Panel {pick}", area="Swanley"),
        "activity": lambda: ActivityRecord(
            **who,
            kind=["eva", "pact-meeting", "training", "night-of-action"][option],
            areas=("Swanley",),
            lead="POLICE",
            outcome="o",
            attendance=pick if option else None,
            panel=f"Panel {pick}" if option == 1 else None,
        ),
        "grant": lambda: FundingGrant(
            **who, funder=["PCC", "KFRS"][option % 2], amount=f"{100 * (pick + 1)}", year=2017
        ),
        "allocate": lambda: FundingAllocate(
            **who,
            grant=first("grant", "GR-2017-99"),
            organisation="O",
            project=f"P{option}",
            half=["first", "second"][option % 2],
            amount=f"{40 * (pick + 1)}",
        ),
        "spend": lambda: FundingSpend(
            **who, grant=first("grant", "GR-2017-99"), allocation=f"F{option + 1}", amount=f"{10 * (pick + 1)}"
        ),
        "camera": lambda: CctvAdd(**who, description="c"),
        "deploy": lambda: CctvDeploy(
            **who,
            camera=first("camera", "CAM-99"),
            location=["A", "B"][option % 2],
            area="Swanley",
            start=at.date(),
            end=at.date() + dt.timedelta(days=pick),
            flag="L-1",
        ),
        "link": lambda: CctvLink(
            **who, camera=first("camera", "CAM-99"), deployment=f"D{option + 1}", case=first("case", "CSU-2017-99999")
        ),
    }[kind]()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=25), batch=st.integers(1, 7))
def test_incremental_catch_up_equals_a_full_rebuild(backend: str, ops, batch: int, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("year-prop")
    with scratch_services(backend, folder, views="live.db") as services:
        seed_roster(services)
        live = Views(str(folder / "live.db"))
        live.catch_up(services.app, batch=batch)
        made: dict[str, list[str]] = {"action": [], "grant": [], "camera": [], "case": []}
        middle, seen = len(ops) // 2, None
        for step, (kind, pick, option) in enumerate(ops):
            try:
                result = send(services.app, command_for(kind, pick, option, step, made))
            except (DomainError, ValueError):
                continue  # an invalid step for this state: refused, nothing written
            for key in ("action", "grant", "camera"):
                if key in result and kind in ("plan", "grant", "camera"):
                    made[key].append(result[key])
            live.catch_up(services.app, batch=batch)
            if step == middle:
                position = services.app.event_count()
                seen = (position, canonical(year_figures(live.db, 2017, position)))
        assert_catch_up_equals_rebuild(services, live, folder, batch)
        if seen is not None:
            live.catch_up(services.app)
            assert canonical(year_figures(live.db, 2017, seen[0])) == seen[1]
        live.close()
