"""The per-app aggregate cache (`TaskingRepository`): another writer's events are always seen,
and what a refused command or a failed save did to a kept aggregate never decides. Two apps on
one store stand for two processes; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from eventsourcing.persistence import IntegrityError

from tasking.bootstrap import Settings, bootstrap
from tasking.commands.setup import DeactivateUser
from tasking.commands import CompleteTasking, RaiseTasking, RecordFollowUp, RecordReport, send
from tasking.errors import DomainError
from tasking.domain.permissions import Forbidden
from tests.conftest import at


@pytest.fixture(name="other")
def fixture_other(services, people, tmp_path):
    """A second app on the same store, as another process would open it."""
    built = bootstrap(Settings(store=services.settings.store, views=str(tmp_path / "other-views.db")))
    yield built.app
    built.close()


def _report(app, people) -> str:
    return send(
        app,
        RecordReport(
            user="coordinator",
            at=at("2018-03-05T10:00"),
            source="COUNCIL",
            category="noise",
            area="Swanley",
            location="1 High Street",
            occurred_at=at("2018-03-05T09:00"),
            reporter=people["resident"],
            summary="Loud music",
        ),
    )["case"]


def _task(app, ref: str) -> str:
    return send(
        app,
        RaiseTasking(
            user="coordinator",
            at=at("2018-03-05T11:00"),
            case=ref,
            agency="WARDENS",
            action="Patrol",
            due=dt.date(2018, 3, 9),
        ),
    )["tasking"]


def test_a_kept_case_sees_what_another_app_wrote_since(services, people, other) -> None:
    app = services.app
    ref = _report(app, people)
    assert app.get_case(ref).taskings == {}  # kept by this app now
    tasking = _task(other, ref)
    assert list(app.get_case(ref).taskings) == [tasking]
    send(app, CompleteTasking(user="coordinator", at=at("2018-03-06T10:00"), case=ref, tasking=tasking, result="Done"))
    assert other.get_case(ref).version == app.get_case(ref).version == 3


def test_a_save_that_loses_the_race_fails_and_the_next_use_loads_the_winner(services, people, other) -> None:
    app = services.app
    ref = _report(app, people)
    mine = app.get_case(ref)
    mine.raise_tasking(
        user="coordinator",
        agency="COUNCIL",
        at=at("2018-03-05T11:00"),
        to_agency="HOUSING",
        owner=None,
        action="Letter",
        due=dt.date(2018, 3, 9),
    )
    winner = _task(other, ref)  # lands first, at the same version
    with pytest.raises(IntegrityError):
        app.save(mine)
    fresh = app.get_case(ref)
    assert fresh is not mine and [t["agency"] for t in fresh.taskings.values()] == ["WARDENS"]
    assert list(fresh.taskings) == [winner]


def test_a_change_that_was_never_saved_is_not_kept(services, people) -> None:
    app = services.app
    ref = _report(app, people)
    case = app.get_case(ref)
    case.raise_tasking(
        user="coordinator",
        agency="COUNCIL",
        at=at("2018-03-05T11:00"),
        to_agency="HOUSING",
        owner=None,
        action="Letter",
        due=dt.date(2018, 3, 9),
    )  # decided, then refused: not saved
    assert app.get_case(ref).taskings == {}
    with pytest.raises(DomainError, match="tasking"):
        send(app, CompleteTasking(user="coordinator", at=at("2018-03-06T10:00"), case=ref, tasking="T1", result="Done"))
    assert app.get_case(ref).version == 1


def test_a_user_deactivated_by_another_app_is_refused_at_once(services, people, other) -> None:
    app = services.app
    ref = _report(app, people)
    follow = dict(at=at("2018-03-06T10:00"), case=ref, kind="visit", outcome="Spoke")
    _task(app, ref)  # to WARDENS: the warden's own case
    send(app, RecordFollowUp(user="warden.grange", **follow))  # the warden is kept by this app now
    send(app, RecordFollowUp(user="coordinator", **follow))  # this app's own write follows on: kept users stay in use
    send(other, DeactivateUser(user="coordinator", at=at("2018-03-06T11:00"), login="warden.grange", reason="Left"))
    with pytest.raises(Forbidden, match="deactivated"):
        send(app, RecordFollowUp(user="warden.grange", **follow))
