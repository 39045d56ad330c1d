"""Fixtures: real SQLite files in tmp_path and, when configured, a real PostgreSQL schema per test."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.commands import AddPerson, AddUser, InitStore, send
from tasking.config import default_config_text
from tests.helpers.cli import TASKING, cli_json, run_cli  # noqa: F401  (imported by the tests from here)

# The longest tests first on each xdist worker; TASKING_TEST_TIMELINE=<file>: when each test ran, where
pytest_plugins = ["tests.helpers.schedule", "tests.helpers.timeline"]

POSTGRES_URL = os.environ.get("TASKING_TEST_POSTGRES")
NO_POSTGRES = "TASKING_TEST_POSTGRES is not set: no PostgreSQL server is configured for the tests"
BACKENDS = ["sqlite", "postgres"]

if os.environ.get("CI") and not POSTGRES_URL:  # CI always configures a server: never skip there
    raise pytest.UsageError("CI is set but TASKING_TEST_POSTGRES is not: .ci/run must start PostgreSQL")


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return "PostgreSQL: TASKING_TEST_POSTGRES is set; the storage tests run on SQLite and PostgreSQL"
    return f"PostgreSQL: not configured; {NO_POSTGRES.split(': ', 1)[0]}, so the PostgreSQL cases are skipped"


def at(text: str) -> dt.datetime:
    """A Europe/London wall-clock time as an aware datetime."""
    from tasking.time.instants import parse_datetime

    return parse_datetime(text, "at")


_wall_clock = at  # for methods whose `at` parameter hides the function


def _drop_schema(schema: str) -> None:
    import psycopg

    assert POSTGRES_URL, NO_POSTGRES  # a schema is made only when a server is configured
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest, name: str = "store") -> str:
    """A new, empty store: a SQLite file in `tmp_path`, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        return str(tmp_path / f"{name}.db")
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    request.addfinalizer(lambda: _drop_schema(schema))
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


@contextlib.contextmanager
def scratch_services(backend: str, folder: Path, views: str = "views.db") -> Iterator[Services]:
    """A new store for one hypothesis example (fixtures cannot be per example): a SQLite file in
    `folder`, or a PostgreSQL schema dropped afterwards; the views in `folder`."""
    schema = None
    if backend == "postgres":
        if not POSTGRES_URL:
            pytest.skip(NO_POSTGRES)
        schema = f"h_{uuid.uuid4().hex[:12]}"
        store = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}schema={schema}"
    else:
        store = str(folder / "store.db")
    services = bootstrap(Settings(store=store, views=str(folder / views)), create_tables=True)
    try:
        yield services
    finally:
        services.close()
        if schema:
            _drop_schema(schema)


@pytest.fixture(name="backend", params=BACKENDS)
def fixture_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(name="store")
def fixture_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return make_store(backend, tmp_path, request)


@pytest.fixture(name="services")
def fixture_services(store: str, tmp_path: Path):
    built = bootstrap(Settings(store=store, views=str(tmp_path / "views.db")), create_tables=True)
    yield built
    built.close()


def seed_roster(services: Services) -> dict[str, str]:
    """Init the store with the default partnership, a small roster and two residents."""
    app = services.app
    now = at("2018-03-01T08:00")
    send(
        app,
        InitStore(user="coordinator", at=now, name="Sam Patel", agency="COUNCIL", config_toml=default_config_text()),
    )
    for login, agency, role in [
        ("sgt.jones", "POLICE", "officer"),
        ("warden.grange", "WARDENS", "officer"),
        ("housing.lee", "HOUSING", "officer"),
        ("analyst", "COUNCIL", "analyst"),
    ]:
        send(app, AddUser(user="coordinator", at=now, login=login, name=login.title(), agency=agency, role=role))
    people = {}
    for key, name in [("resident", "Pat Smith"), ("victim", "Chris Doe")]:
        people[key] = send(app, AddPerson(user="coordinator", at=now, name=name))["person"]
    return people


@pytest.fixture(name="people")
def fixture_people(services: Services) -> dict[str, str]:
    return seed_roster(services)


class Desk:
    """Send real commands tersely in tests: times are Europe/London wall-clock text."""

    def __init__(self, services: Services, people: dict[str, str]) -> None:
        self.services, self.people = services, people

    def send(self, command_class, user: str = "coordinator", when: str = "2018-03-05T10:00", **fields):
        return send(self.services.app, command_class(user=user, at=at(when), **fields))

    def report(self, received: str, **over: object) -> str:
        from tasking.commands import RecordReport

        fields: dict[str, Any] = dict(
            source="COUNCIL",
            category="youth-nuisance",
            area="Swanley",
            location="Azalea Shops",
            reporter=self.people["resident"],
            summary="s",
        )
        fields.update(over)
        if fields.get("anonymous"):
            fields["reporter"] = None
        fields.setdefault("occurred_at", at(received) - dt.timedelta(hours=1))
        return self.send(RecordReport, when=received, **fields)["case"]

    def read(self, at: str | None = None, user: str = "coordinator", **recorded: Any):
        """A reader caught up with the store, for `user` (the coordinator unless said): `at` is local
        wall-clock text; `as_of`/`position` pass through."""
        return self.services.read(at=_wall_clock(at) if at else None, user=user, **recorded)

    @property
    def db(self):
        return self.read().db

    @property
    def config(self):
        return self.services.app.config


@pytest.fixture(name="demo_template", scope="session")
def fixture_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's SQLite store, built once per run (shared by the xdist workers): copy it with
    `tests.helpers.stores.copy_demo`, never write to it."""
    from tests.helpers.stores import run_folder, shared_demo

    return shared_demo(run_folder(tmp_path_factory.getbasetemp()))


@pytest.fixture(name="desk")
def fixture_desk(services: Services, people: dict[str, str]) -> Desk:
    return Desk(services, people)


@pytest.fixture(autouse=True, scope="session")
def _kek_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """PostgreSQL stores keep their key-encryption key under `$XDG_CONFIG_HOME/tasking/` unless
    `TASKING_KEK` says otherwise: the tests' keys go to a folder of their own (subprocesses inherit it)."""
    previous = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    yield
    if previous is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = previous


REPOSITORY = Path(__file__).resolve().parents[1]


def _untracked() -> set[str] | None:
    """Files in the repository that git does not track, ignored ones included (None outside git)."""
    done = subprocess.run(
        [
            "git",
            "-C",
            str(REPOSITORY),
            "ls-files",
            "--others",
            "--exclude=.venv",
            "--exclude=*.egg-info",
            "--exclude=__pycache__",
            "--exclude=.hypothesis",
            "--exclude=.pytest_cache",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No test leaves files in the repository: a run that does fails, naming them."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller checks once
        return
    before, after = session.config.stash.get(_BEFORE, None), _untracked()
    left = sorted((after or set()) - (before or set())) if before is not None else []
    if left:
        print(f"\ntests left files in the repository: {', '.join(left)}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set[str] | None]()


@pytest.fixture(autouse=True)
def _work_elsewhere(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in a folder of its own, so a default path (./tasking.db, ./briefings/) never
    lands in the repository."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """Each test starts with structlog's defaults: an in-process CLI run (the fuzz) or a web app
    configures logging for its process, and its level must not hide a later test's captured logs."""
    import structlog

    structlog.reset_defaults()
    yield
