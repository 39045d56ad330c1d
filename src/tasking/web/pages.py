"""The pages: server-rendered with Jinja2, usable without JavaScript, printable.

They read through the same queries as the CLI (`tasking.queries.reads`, `show`, `audit`), lay out
the briefing with the CLI's own sections and columns (`tasking.reporting.render.SECTIONS`), and
write through the same command models and bus as the API. Sign-in turns a token into a session
cookie; every form carries the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tasking.bootstrap import Services
from tasking.commands import CompleteTasking, RecordFollowUp, UpdateReporter
from tasking.commands.case import FollowUpKind, UpdateChannel
from tasking.commands.tokens import token_hash
from tasking.errors import DomainError
from tasking.queries import reads
from tasking.queries.audit import audit, show
from tasking.queries.point import Reader
from tasking.reporting import jinja, render
from tasking.time.instants import parse_date, parse_datetime, utcnow
from tasking.web.api import client_of, open_reader
from tasking.web.auth import (
    Principal,
    authenticate,
    check_csrf,
    end_session,
    new_csrf_token,
    new_session_id,
    principal_from_session,
)
from tasking.web.forms import (
    Refused,
    form_write,
    navigation,
    plain,
    shown,
    typed_fields,
)
from tasking.web.headers import csp_with_inline_styles
from tasking.web.phone import shift_ends
from tasking.web.problems import Problem, wants_json

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(
    local_text=render.local_text, day_text=render.day_text, cell=render._cell, navigation=navigation
)
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


# --- signing in and out ------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return templates.TemplateResponse(
        request, "sign_in.html", {"user": None, "csrf": csrf_of(request), "next": _safe_next(next), "error": None}
    )


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request, token: str = Form("", max_length=400), csrf_token: str = Form(""), next: str = Form("/")
) -> Response:
    check_csrf(request.session, csrf_token)
    try:
        with request.app.state.pool.borrow() as services:
            user = authenticate(services.app, token.strip(), client_of(request), request.app.state.attempts, via="page")
    except Problem as problem:
        if problem.status not in (401, 429):
            raise
        return templates.TemplateResponse(
            request,
            "sign_in.html",
            {
                "user": None,
                "csrf": csrf_of(request),
                "next": _safe_next(next),
                "error": problem.detail
                if problem.status == 429
                else "That token is not valid (unknown, revoked or expired).",
            },
            status_code=problem.status,
            headers=problem.headers,
        )
    request.session.clear()
    request.session.update(
        {
            "login": user.login,
            "token_hash": token_hash(token.strip()),
            "csrf": new_csrf_token(),
            "sid": new_session_id(),
            "since": utcnow().isoformat(),
        }
    )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request.session, csrf_token)
    with request.app.state.pool.borrow() as services:
        end_session(services.app, request.session)  # ended on the server, not only in this browser
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/my-taskings", status_code=303)


# --- reading -----------------------------------------------------------------------------------


def _day(text: str) -> dt.datetime:
    try:
        parse_date(text, "date")
        return parse_datetime(text, "date")
    except DomainError as exc:
        raise Problem(422, str(exc), field="date", rule="date") from None


@router.get("/briefing", response_class=HTMLResponse)
def next_briefing(desk: PageDesk = Depends(page_desk)) -> Response:
    brief = reads.briefing_read(desk.read("briefing"), None, utcnow())
    return RedirectResponse(f"/briefing/{brief['meeting'][:10]}", status_code=303)


@router.get("/briefing/{day}", response_class=HTMLResponse)
def briefing(
    day: str, position: int | None = None, done: str | None = None, desk: PageDesk = Depends(page_desk)
) -> Response:
    return briefing_page(desk, day, position, done=done)


def briefing_page(desk: PageDesk, day: str, position: int | None = None, status: int = 200, **extra: Any) -> Response:
    """The briefing as the CLI lays it out; `extra` is the meeting room's (its row forms: `pages_room`)."""
    from tasking.web.pages_room import room_context

    reader = desk.read("briefing", position=position)
    brief = reads.briefing_read(reader, _day(day), utcnow())
    brief["warnings"] = desk.services.views_warnings()
    sections = [(key, heading, columns, brief.get(key, [])) for key, heading, columns in render.SECTIONS]
    return desk.page(
        "briefing.html",
        status=status,
        brief=brief,
        sections=sections,
        title=render.title(brief),
        window=render.window_text(brief),
        mark=render.page_mark(brief, reader.config.protective_marking, utcnow()),
        **room_context(desk, day, position, brief),
        **extra,
    )


def _case_page(
    desk: PageDesk,
    reference: str,
    status: int = 200,
    error: str | None = None,
    done: str | None = None,
    typed: dict[str, dict[str, str]] | None = None,
) -> Response:
    case = show(desk.read("show", case=reference), reference)
    timeline = audit(desk.read("audit", case=reference), reference)
    open_taskings = [t for t in case["taskings"] if t["status"] == "open"]
    return desk.page(
        "case.html",
        status=status,
        case=case,
        timeline=timeline["entries"],
        open_taskings=open_taskings,
        kinds=get_args(FollowUpKind),
        channels=get_args(UpdateChannel),
        error=error,
        done=done,
        typed=typed or {},
        story=[
            (key, heading, [(r, describe(r)) for r in case.get(key, [])])
            for key, heading, describe in render._STORY_LINES
        ],
    )


@router.get("/cases/{reference}", response_class=HTMLResponse)
def case_page(reference: str, done: str | None = None, desk: PageDesk = Depends(page_desk)) -> Response:
    return _case_page(desk, reference, done=done)


@router.get("/my-taskings", response_class=HTMLResponse)
def my_taskings(desk: PageDesk = Depends(page_desk)) -> Response:
    found = reads.open_taskings_read(desk.read("cases"), desk.user.agency, None, utcnow())
    return desk.page("taskings.html", found=found)


@router.get("/feedback-owed", response_class=HTMLResponse)
def feedback_owed(desk: PageDesk = Depends(page_desk)) -> Response:
    found = reads.feedback_owed_read(desk.read("feedback-owed"), None, utcnow())
    columns = next(columns for key, _, columns in render.SECTIONS if key == "feedback_owed")
    return desk.page("feedback.html", found=found, columns=columns)


@router.get("/reports", response_class=HTMLResponse)
def reports(year: int | None = None, desk: PageDesk = Depends(page_desk)) -> Response:
    from tasking.time.instants import financial_year_of

    if year is not None:
        return RedirectResponse(f"/reports/{year}", status_code=303)
    return desk.page("reports.html", last=financial_year_of(utcnow()) - 1)


@router.get("/reports/{year}", response_class=HTMLResponse)
def annual_report(year: int, desk: PageDesk = Depends(page_desk)) -> Response:
    from tasking.reporting.annual_report import to_html

    if not 1899 <= year <= 9998:
        raise Problem(422, "year: must be from 1899 to 9998", field="year", rule="range")
    desk.services.check_views()
    reader = desk.read("stats")
    parts = reads.annual_report_parts(reader, year, with_map=True)
    html = to_html(
        parts["figures"], reader.config.name, parts["previous"], parts["names"], parts["geo"], year_parts=parts["year"]
    )
    return HTMLResponse(html, headers=csp_with_inline_styles(html))  # its one <style>, allowed by hash


# --- the officer's everyday writes -------------------------------------------------------------

FORMS = {
    "follow-up": (RecordFollowUp, "Follow-up recorded"),
    "update-reporter": (UpdateReporter, "Reporter update recorded"),
    "complete": (CompleteTasking, "Tasking completed"),
}


@router.post("/cases/{reference}/{action}", response_class=HTMLResponse)
async def case_write(reference: str, action: str, request: Request) -> Response:
    form = dict(await request.form())
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_case_write, request, reference, action, form)


def _case_write(request: Request, reference: str, action: str, form: dict[str, Any]) -> Response:
    if action not in FORMS:
        raise Problem(404, f"no form {action!r} on a case")
    check_csrf(request.session, form.pop("csrf_token", None))
    command_class, done = FORMS[action]
    with signed_in(request) as desk:
        typed = typed_fields(form)
        request_id = typed.pop("request_id", None)
        try:
            if "case" in typed:  # the case is the page's own, never a form field
                raise Refused(422, "Case: the case is the page's; a form may not name another", typed)
            form_write(desk, command_class, {**typed, "case": reference}, typed, request_id=request_id)
        except Refused as refused:
            # a case the user may not see, or none: the error page says why; the phone's queue, sending a
            # write made offline, reads the reason as problem details
            if refused.status in (403, 404) or wants_json(request):
                raise Problem(refused.status, refused.reason) from None
            return _case_page(
                desk, reference, status=refused.status, error=refused.reason, typed={action: refused.typed}
            )
    if wants_json(request):
        return JSONResponse({"done": done, "case": reference, "request_id": request_id})
    return RedirectResponse(f"/cases/{reference}?done={quote(done)}", status_code=303)
