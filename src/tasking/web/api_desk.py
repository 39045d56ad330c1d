"""The JSON API's desk: who is asking (the bearer token, `Desk`), at which point in time (`Times`:
`at`, `as_of`, `position`), and the one way a read is opened and answered (`reading`).
"""

# No `from __future__ import annotations`: the write routes' body types are made at import time.

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tasking.bootstrap import Services
from tasking.domain.permissions import Forbidden
from tasking.errors import DomainError, NotFound
from tasking.queries.point import Reader
from tasking.reporting.text import json_text
from tasking.time.instants import ISO_PATTERN, parse_datetime
from tasking.web.auth import Principal, authenticate
from tasking.web.limits import PRINCIPAL
from tasking.web.problems import Problem

bearer = HTTPBearer(
    auto_error=False, description="A token of your own from `tasking users token` (or `tasking users redeem CODE`)."
)


@dataclass
class Desk:
    """One request's borrowed services and the token's user."""

    services: Services
    user: Principal


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def api_desk(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> Iterator[Desk]:
    with request.app.state.pool.borrow() as services:
        user = getattr(request.state, PRINCIPAL, None)  # checked before the body was read (`web.limits`)
        if user is None:
            user = authenticate(
                services.app,
                credentials.credentials if credentials else None,
                client_of(request),
                request.app.state.attempts,
                via="api",
            )
        yield Desk(services, user)


# --- the two kinds of time ---------------------------------------------------------------------


@dataclass(frozen=True)
class Times:
    at: dt.datetime | None
    as_of: dt.datetime | None
    position: int | None


def _moment(text: str | None, field: str) -> dt.datetime | None:
    if text is None or text == "":
        return None
    try:
        return parse_datetime(text, field)
    except DomainError as exc:
        raise Problem(422, str(exc), field=exc.field, rule="datetime") from None


AS_OF = Query(
    None, max_length=64, pattern=ISO_PATTERN, description="Recorded time: what had been recorded by then (as `at`)."
)
POSITION = Query(
    None,
    ge=0,
    le=2**62,
    description="Recorded time, exactly: events up to this position (every answer gives its `position`).",
)


def times(
    at: str | None = Query(
        None,
        max_length=64,
        pattern=ISO_PATTERN,
        description="Effective time: the world as it stood then (ISO date or date-time, "
        "years 1800-9998; no zone means Europe/London). Default now.",
    ),
    as_of: str | None = AS_OF,
    position: int | None = POSITION,
) -> Times:
    found = Times(_moment(at, "at"), _moment(as_of, "as-of"), position)
    if found.as_of is not None and found.position is not None:
        raise Problem(422, "as-of: give either as_of or position, not both", field="as-of", rule="exclusive")
    return found


def recorded_times(request: Request, as_of: str | None = AS_OF, position: int | None = POSITION) -> Times:
    """Recorded time only: the stats count the whole financial year, so they take no `at` (refused)."""
    if "at" in request.query_params:
        raise Problem(
            422, "at: stats counts the whole financial year; use as_of or position", field="at", rule="not-for-stats"
        )
    return times(None, as_of, position)


def read(desk: Desk, when: Times, action: str, at: bool = True, case: str | None = None) -> Reader:
    """As `tasking.cli.context.reader`: the token's user must be allowed `action` (the CLI command's
    name); then the views catch up and the point this read answers at is fixed."""
    return open_reader(
        desk.services,
        desk.user.login,
        action,
        at=when.at if at else None,
        as_of=when.as_of,
        position=when.position,
        case=case,
    )


def open_reader(services: Services, login: str, action: str, **point: Any) -> Reader:
    """`Services.read` for this user and action, where the read layer checks permissions (issue 12)."""
    return services.read(**point, user=login, action=action)


def answer(result: Any) -> Response:
    """The same bytes as the CLI's `--json` for the same store and point."""
    return Response(json_text(result), media_type="application/json")


def reading(endpoint: Any) -> Any:
    """A read has no rule to break: a query's refusal names input it cannot answer for (422), or a
    reference the point does not hold (404); a permission refused is 403, as for a write."""

    @functools.wraps(endpoint)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            if exc.field in ("store", "views"):
                raise
            status = 404 if exc.field in ("case", "review", "group", "meeting") and "recorded" in exc.rule else 422
            raise Problem(status, str(exc), field=exc.field, rule=exc.rule) from None

    return wrapped


# --- reads -------------------------------------------------------------------------------------
