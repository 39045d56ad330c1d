"""Property: the police.uk and dismissal views caught up after every command equal one clean rebuild,
and police figures read at a position never change when months are replaced later."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasking.commands import DismissDuplicate, RecordPoliceMonth, RecordReport, send
from tasking.errors import DomainError
from tasking.projections.runner import Views
from tasking.queries.police import contributions, figures
from tests.conftest import scratch_services, seed_roster

START = dt.datetime(2017, 6, 1, 9, 0, tzinfo=dt.timezone.utc)
MONTHS = ["2017-04", "2017-05", "2018-03", "2016-12"]

asb_item = st.tuples(
    st.sampled_from(["E01024438", None]),
    st.sampled_from(["Swanley", "unmapped"]),
    st.one_of(st.none(), st.floats(51.1, 51.5).map(lambda x: round(x, 6))),
    st.one_of(st.none(), st.floats(0.0, 0.4).map(lambda x: round(x, 6))),
    st.sampled_from(["On or near High Street", None]),
)
op = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("month"), st.sampled_from(MONTHS), st.lists(asb_item, max_size=6)),
    st.tuples(st.just("dismiss"), st.integers(0, 5), st.integers(0, 5)),
)


def _command(step: tuple, refs: list[str], at: dt.datetime):
    who = {"user": "coordinator", "at": at}
    if step[0] == "report" or not refs:
        located = step[2] if step[0] == "report" else False
        return RecordReport(
            **who,
            source=["COUNCIL", "POLICE"][len(refs) % 2],
            category="noise",
            area="Swanley",
            location="Azalea Shops",
            occurred_at=at - dt.timedelta(minutes=30),
            anonymous=True,
            summary="s",
            lat=51.3972 if located else None,
            lon=0.1731 if located else None,
        )
    if step[0] == "month":
        asb = tuple(tuple(item) for item in step[2])
        return RecordPoliceMonth(
            **who, month=step[1], asb=asb, crimes={"Burglary": {"Swanley": len(asb)}}, files=(f"sha256:{hash(asb)}",)
        )
    return DismissDuplicate(**who, case=refs[step[1] % len(refs)], other=refs[step[2] % len(refs)], reason="r")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=25), batch=st.integers(1, 7))
def test_incremental_equals_rebuild_and_a_position_keeps_its_figures(
    backend: str, ops, batch: int, tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("dataprop")
    with scratch_services(backend, folder, views="live.db") as services:
        seed_roster(services)
        live = Views(str(folder / "live.db"))
        refs: list[str] = []
        seen: list[tuple[int, object]] = []
        for index, step in enumerate(ops):
            try:
                result = send(services.app, _command(step, refs, START + dt.timedelta(minutes=10 * index)))
            except DomainError:
                continue
            if "case" in result and result["case"] not in refs and "dismissed" not in result:
                refs.append(result["case"])
            live.catch_up(services.app, batch=batch)
            position = services.app.event_count()
            seen.append((position, figures(contributions(live.db, 2017, position), 2017)))
        fresh = Views(str(folder / "fresh.db"))
        fresh.catch_up(services.app, batch=1000)
        assert live.dump() == fresh.dump()
        for position, then in seen:  # later replacements never change a read at an earlier position
            assert figures(contributions(fresh.db, 2017, position), 2017) == then
        live.close()
        fresh.close()
