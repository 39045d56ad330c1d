"""The web app against a real store (SQLite file or PostgreSQL schema), through httpx's TestClient."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.commands import IssueToken, send
from tasking.commands.tokens import expiry, new_token
from tasking.time.instants import utcnow
from tasking.web import create_app
from tasking.web.auth import FailedAttempts
from tests.conftest import BACKENDS, TASKING, Desk, make_store, seed_roster
from tests.helpers.wait import answers, wait_until
from tests.web.test_browser import free_port


def issue(services: Services, login: str, days: int = 30, by: str | None = None) -> str:
    """A real token for `login`, issued through the command bus by `login` themselves (a token is
    issued only to its own user: issue 21, 7); returns the secret."""
    by = by or login
    token, digest = new_token(login)
    now = utcnow()
    send(
        services.app,
        IssueToken(
            user=by,
            at=now,
            login=login,
            token_hash=digest,
            expires_at=expiry(now, days) if days > 0 else now - dt.timedelta(days=1),
        ),
    )
    return token


@contextlib.contextmanager
def serving(services: Services, tmp_path: Path, *options: str) -> Iterator[str]:
    """`tasking serve` on a free port over the test's store (the process is the subject: uvicorn's options)."""
    env = {
        **os.environ,
        "TASKING_STORE": services.settings.store,
        "TASKING_VIEWS": services.settings.views_path,
        "TASKING_LOG_LEVEL": "warning",
        "TASKING_LOG_FILE": str(tmp_path / "serve.log"),
    }
    port = free_port()
    server = subprocess.Popen(
        [TASKING, "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.err", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: answers(f"{base}/health"),
            "tasking serve listening",
            process=server,
            log=(tmp_path / "serve.err").read_text,
        )
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def web_app(services: Services, packs: Path) -> FastAPI:
    """The real app over `services`' store (its views file too)."""
    settings = Settings(store=services.settings.store, views=services.settings.views_path)
    return create_app(settings, pool_size=2, secret="test-secret", attempts=FailedAttempts(limit=5), packs=packs)


@pytest.fixture(name="web")
def fixture_web(services: Services, people: dict[str, str], tmp_path: Path):
    """A client of the real app over the test's store (its views file too), the roster seeded."""
    with TestClient(web_app(services, tmp_path / "packs"), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(name="shared_app", scope="module", params=BACKENDS)
def fixture_shared_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(app, desk) over one store per backend, the roster seeded, for a module's tests that share it."""
    folder = tmp_path_factory.mktemp(f"shared-web-{request.param}")
    services = bootstrap(
        Settings(store=make_store(request.param, folder, request), views=str(folder / "views.db")), create_tables=True
    )
    yield web_app(services, folder / "packs"), Desk(services, seed_roster(services))
    services.close()


@pytest.fixture(name="shared_web")
def fixture_shared_web(shared_app):
    """(client, desk): a client of its own (its own cookies) of the module's shared app and store, for a
    test that reads nothing another test writes: it issues its own tokens and reports its own cases,
    and fails no sign-in (the app's failed attempts are shared). Each client starts and stops the app,
    as the app allows (its pool and access log restart)."""
    app, desk = shared_app
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, desk
