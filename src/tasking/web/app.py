"""The FastAPI application: the JSON API under /api/v1, the pages, /health, and problem details.

`create_app(settings)` builds it; `tasking serve` runs `tasking.web.app:app_from_env` under uvicorn
(an import string, so `--workers N` can start several processes, each with its own pool).
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from tasking.bootstrap import Settings
from tasking.errors import DomainError
from tasking.web.auth import FailedAttempts
from tasking.web.headers import SecurityHeaders
from tasking.web.limits import DEFAULT_MAX_BODY, BodyLimit
from tasking.web.pool import ServicesPool
from tasking.web.problems import PROBLEM, Problem, _store_errors, problem_for, validation_errors, wants_json
from tasking.web.schema import with_config

log = structlog.get_logger("tasking.web")
HERE = Path(__file__).parent
SESSION_HOURS = 10  # a working day
SWAGGER_UI = Path(importlib.util.find_spec("fastapi_offline").origin).parent / "static"  # type: ignore[arg-type,union-attr]
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tasking API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css"><link rel="stylesheet" href="/static/docs.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script></body></html>
"""


def create_app(
    settings: Settings | None = None,
    *,
    pool_size: int = 2,
    secret: str | None = None,
    secure_cookies: bool = False,
    attempts: FailedAttempts | None = None,
    packs: Path | None = None,
    max_body: int | None = None,
    shift_hours: float | None = None,
) -> FastAPI:
    """The web face of one store: the same commands, queries and renderers as the CLI."""
    from tasking import __version__
    from tasking.web import api, open311, pages, pages_desk, pages_intake, pages_room, phone

    settings = settings or Settings.from_env()
    app = FastAPI(
        title="tasking",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        description="The daily tasking engine's HTTP API: every write command with its pydantic model as the "
        "body, every read with `at`, `as_of` and `position`. Send `Authorization: Bearer TOKEN` "
        "(your own token from `tasking users token`). Errors are RFC 9457 problem details.",
    )
    app.state.pool = ServicesPool(settings, size=pool_size)
    app.state.attempts = attempts or FailedAttempts()
    app.state.settings = settings
    app.state.shift_hours = (
        phone.shift_hours() if shift_hours is None else shift_hours
    )  # the phone keeps cases this long
    app.state.packs = packs or Path(os.environ.get("TASKING_PACKS") or "briefings")  # as `briefing issue --output`
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret or os.environ.get("TASKING_WEB_SECRET") or secrets.token_hex(32),
        session_cookie="tasking_session",
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=secure_cookies,
    )
    limit = max_body or int(os.environ.get("TASKING_WEB_MAX_BODY") or DEFAULT_MAX_BODY)
    app.add_middleware(BodyLimit, max_body=limit)  # outside the session and the routes: before a body is read
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI served from this server (fastapi-offline's copy) under the strict CSP: no inline script."""
        return HTMLResponse(DOCS_PAGE)

    app.include_router(api.router)
    # before the pages: `/cases/new` and `/cases` are not case references
    for router in (pages_intake.router, pages_room.router, pages_desk.router, pages.router):
        app.include_router(router)
    app.include_router(phone.router)  # the service worker at the root scope (issue 27)
    app.include_router(open311.router)  # Open311 GeoReport v2 for FixMyStreet (issue 23)
    app.openapi = lambda: with_config(app)  # type: ignore[method-assign]

    @app.get(
        "/health",
        tags=["health"],
        summary="Liveness and store reachability (no token needed).",
        responses={503: {"description": "Store unavailable", "content": {PROBLEM: {}}}},
    )
    def health() -> dict[str, str]:
        with app.state.pool.borrow() as services:
            services.app.config  # noqa: B018 - reads the store: unreachable becomes a 503
            return {"status": "ok"}

    for exc_class in (
        Problem,
        RequestValidationError,
        ValidationError,
        DomainError,
        StarletteHTTPException,
        *_store_errors(),
        Exception,
    ):
        app.add_exception_handler(exc_class, _handle)
    app.router.on_shutdown.append(app.state.pool.close)
    return app


async def _handle(request: Request, exc: Exception) -> Any:
    if isinstance(exc, RequestValidationError):
        errors = validation_errors(exc.errors())
        first: dict[str, Any] = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = [part for part in first["loc"] if part not in ("body", "query", "path", "header")]
        field = where[0] if where else None
        problem = Problem(
            422,
            f"{field}: {first['msg']}" if field else first["msg"],
            field=field,
            rule=first.get("type"),
            errors=errors,
        )
    elif isinstance(exc, StarletteHTTPException):
        problem = Problem(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    else:
        problem = problem_for(exc)
    if problem.status >= 500:
        log.error("web.error", path=request.url.path, status=problem.status, error=type(exc).__name__)
    if request.url.path.startswith(("/api/", "/health")) or wants_json(request):
        return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers, media_type=PROBLEM)
    from tasking.web.page_session import error_page

    return error_page(request, problem)


def app_from_env() -> FastAPI:
    """The factory `tasking serve` hands uvicorn: settings from TASKING_* variables."""
    from tasking.logs import configure_logging

    configure_logging()
    return create_app(
        Settings.from_env(),
        # Requests a worker serves at once (the rest wait their turn). Two, not more: threads of one
        # process share its GIL, which Python's sqlite3 drops and takes back for every row, so four
        # at once cost a third more CPU a request than two (issue 22; docs/performance.md).
        pool_size=int(os.environ.get("TASKING_WEB_POOL", "2")),
        secure_cookies=os.environ.get("TASKING_WEB_SECURE_COOKIES", "") == "1",
    )
