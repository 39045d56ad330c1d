"""The web app against a real store (SQLite file or PostgreSQL schema), through httpx's TestClient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tasking.bootstrap import Services, Settings
from tasking.commands import IssueToken, send
from tasking.commands.tokens import expiry, new_token
from tasking.time.instants import utcnow
from tasking.web import create_app
from tasking.web.auth import FailedAttempts


def issue(services: Services, login: str, days: int = 30, by: str | None = None) -> str:
    """A real token for `login`, issued through the command bus by `login` themselves (a token is
    issued only to its own user: issue 21, 7); returns the secret."""
    by = by or login
    token, digest = new_token(login)
    now = utcnow()
    send(services.app, IssueToken(user=by, at=now, login=login, token_hash=digest,
                                  expires_at=expiry(now, days) if days > 0 else now - dt.timedelta(days=1)))
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(name="web")
def fixture_web(services: Services, people: dict[str, str], tmp_path: Path):  # noqa: ANN201
    """A client of the real app over the test's store (its views file too), the roster seeded."""
    settings = Settings(store=services.settings.store, views=services.settings.views_path)
    app = create_app(settings, pool_size=2, secret="test-secret", attempts=FailedAttempts(limit=5))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
