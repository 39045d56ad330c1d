"""Errors as RFC 9457 problem details (`application/problem+json`), one status per kind of failure.

- 422: the request is not valid (a field's type or rule, a time that cannot be meant);
- 404: a reference names nothing; 401: no valid token; 403: the user may not do this;
- 409: the record refuses it (a rule such as "case closed"); 503: the store cannot be reached.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from tasking.errors import DomainError, NotFound

PROBLEM = "application/problem+json"


def wants_json(request: Request) -> bool:
    """Does this request ask for JSON (an `Accept` naming any JSON type) rather than a page?

    The one rule for the pages' answers and the error handler's: a browser gets HTML, the phone's
    queue and API clients (which send `Accept: application/json` or `application/problem+json`) get JSON."""
    return "json" in request.headers.get("accept", "")


_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Refused by a rule of the record",
    413: "Request body too large",
    422: "Invalid request",
    429: "Too many failed sign-ins",
    500: "Internal error",
    503: "Store unavailable",
}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; `field` and `rule` name the input at fault and the rule it broke."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    field: str | None = None
    rule: str | None = None
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):
    """Raised anywhere in the web layer to answer with a problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field, self.rule = status, detail, field, rule
        self.headers, self.errors = headers or {}, errors

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "about:blank",
            "title": _TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
        }
        if self.field is not None:
            out["field"], out["rule"] = self.field, self.rule
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def _permission_errors() -> tuple[type[BaseException], ...]:
    """The command and query layers' refusal of a permission (issue 12)."""
    from tasking.domain.permissions import Forbidden

    return (Forbidden,)


def _store_errors() -> tuple[type[BaseException], ...]:
    from eventsourcing.persistence import InterfaceError, OperationalError

    found: list[type[BaseException]] = [
        InterfaceError,
        OperationalError,
        sqlite3.OperationalError,
        sqlite3.DatabaseError,
        ConnectionError,
    ]
    try:
        import psycopg
        import psycopg_pool

        found += [psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout]
    except ImportError:  # pragma: no cover - the postgres extra is a dependency
        pass
    return tuple(found)


def validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Where and which rule, never the value sent: it may be personal data typed in the wrong box."""
    return [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in errors
    ]


def problem_for(exc: BaseException) -> Problem:
    """The problem an exception from the command or query layer answers with."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, ValidationError):
        errors = validation_errors(exc.errors())
        first: dict[str, Any] = errors[0] if errors else {"loc": [], "msg": "invalid"}
        field = first["loc"][0] if first["loc"] else None
        return Problem(
            422,
            f"{field}: {first['msg']}" if field else first["msg"],
            field=field,
            rule=first.get("type"),
            errors=errors,
        )
    permission = _permission_errors()
    if permission and isinstance(exc, permission):
        return Problem(403, str(exc), field=getattr(exc, "field", None), rule=getattr(exc, "rule", None))
    if isinstance(exc, NotFound):
        return Problem(404, str(exc), field=exc.field, rule=exc.rule)
    if isinstance(exc, DomainError):
        if exc.field in ("store", "views"):
            return Problem(503, str(exc), field=exc.field, rule=exc.rule, headers={"Retry-After": "5"})
        return Problem(409, str(exc), field=exc.field, rule=exc.rule)
    if isinstance(exc, _store_errors()):
        line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Problem(
            503,
            f"store: cannot be reached ({type(exc).__name__}: {line})",
            field="store",
            rule="unreachable",
            headers={"Retry-After": "5"},
        )
    return Problem(500, f"internal error: {type(exc).__name__}")


def openapi_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The problems a route documents in the OpenAPI schema."""
    return {
        status: {
            "model": ProblemDetails,
            "description": _TITLES[status],
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
        }
        for status in statuses
    }
