"""Reports' optional coordinates: a new field on a stored event class, with its class version and upcaster."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from eventsourcing.persistence import Mapper, StoredEvent
from pydantic import ValidationError

from tasking.commands import RecordReport
from tasking.domain.case import Case

AT = dt.datetime(2018, 3, 3, 8, 10, tzinfo=dt.timezone.utc)


def _mapper() -> Mapper:
    """The application's own mapper and transcoder, on an in-memory store."""
    from tasking.store.application import TaskingApp

    return TaskingApp(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"}).mapper


def _case(**extra: object) -> Case:
    return Case(
        reference="CSU-2017-00001",
        user="u",
        agency="COUNCIL",
        at=AT,
        occurred_at=AT,
        source="COUNCIL",
        channel="phone",
        category="noise",
        area="Swanley",
        location="Azalea Shops",
        reporter=None,
        victim=None,
        feedback="anonymous",
        risk="standard",
        summary="s",
        **extra,
    )


def test_a_report_stored_before_coordinates_existed_reads_with_none() -> None:
    mapper = _mapper()
    stored = mapper.to_stored_event(_case().collect_events()[0])
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["lat"], state["lon"]  # as version 1 wrote it: no class_version, no coordinates
    old = StoredEvent(
        originator_id=stored.originator_id, originator_version=1, topic=stored.topic, state=json.dumps(state).encode()
    )
    event = mapper.to_domain_event(old)
    assert type(event) is Case.Reported and (event.lat, event.lon) == (None, None)
    assert event.mutate(None).lat is None


def test_a_report_with_coordinates_keeps_them() -> None:
    mapper = _mapper()
    event = mapper.to_domain_event(mapper.to_stored_event(_case(lat=51.3972, lon=0.1731).collect_events()[0]))
    assert (event.lat, event.lon) == (51.3972, 0.1731)


@pytest.mark.parametrize(
    ("lat", "lon", "rule"), [(51.4, None, "give both --lat and --lon"), (91.0, 0.1, "less than or equal to 90")]
)
def test_coordinates_come_in_pairs_and_in_range(lat, lon, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule):
        RecordReport(
            user="u",
            at=AT,
            source="COUNCIL",
            category="noise",
            area="Swanley",
            location="x",
            occurred_at=AT,
            anonymous=True,
            summary="s",
            lat=lat,
            lon=lon,
        )
