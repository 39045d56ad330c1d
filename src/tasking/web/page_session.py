"""A page's session: the templates (with the reporting layer's), the signed-in user's desk
(`PageDesk`, `signed_in`, `page_desk`), the session's CSRF token, and the error page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tasking.bootstrap import Services
from tasking.queries.point import Reader
from tasking.reporting import jinja
from tasking.reporting.sections import cell
from tasking.reporting.text import day_text, local_text
from tasking.time.instants import utcnow
from tasking.web.api_desk import open_reader
from tasking.web.auth import (
    Principal,
    new_csrf_token,
    principal_from_session,
)
from tasking.web.forms import (
    navigation,
    plain,
    shown,
)
from tasking.web.phone import shift_ends
from tasking.web.problems import Problem

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(local_text=local_text, day_text=day_text, cell=cell, navigation=navigation)
templates.env.filters["shown"] = shown
templates.env.globals["plain"] = plain
jinja.share_with(templates.env)  # the reporting layer's templates, for pages to extend or import


@dataclass
class PageDesk:
    services: Services
    user: Principal
    request: Request

    def read(self, action: str, **point: Any) -> Reader:
        return open_reader(self.services, self.user.login, action, **point)

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        shift = shift_ends(self.request.session, self.request.app.state.shift_hours, utcnow())
        return templates.TemplateResponse(
            self.request,
            name,
            {"user": self.user, "csrf": csrf_of(self.request), "shift_ends": shift, **context},
            status_code=status,
        )


def csrf_of(request: Request) -> str:
    session = request.session
    if "csrf" not in session:
        session["csrf"] = new_csrf_token()
    return session["csrf"]


@contextmanager
def signed_in(request: Request) -> Iterator[PageDesk]:
    """The signed-in user's borrowed services; a 401 (sent to the sign-in page) otherwise."""
    with request.app.state.pool.borrow() as services:
        user = principal_from_session(services.app, request.session)
        if user is None:
            request.session.pop("login", None)
            raise Problem(401, "sign in with your API token")
        yield PageDesk(services, user, request)


def page_desk(request: Request) -> Iterator[PageDesk]:
    with signed_in(request) as desk:
        yield desk


def error_page(request: Request, problem: Problem) -> Response:
    if problem.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"problem": problem, "user": None, "csrf": csrf_of(request)},
        status_code=problem.status,
        headers=problem.headers,
    )


def safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"
