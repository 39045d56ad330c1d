"""The pages: server-rendered with Jinja2, usable without JavaScript, printable.

They read through the same queries as the CLI (`tasking.queries.reads`, `show`, `audit`), lay out
the briefing with the CLI's own sections and columns (`tasking.reporting.sections.SECTIONS`), and
write through the same command models and bus as the API. Sign-in (sign_in.py) turns a token into a
session cookie; every form carries the session's CSRF token (page_session.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tasking.commands import Command, CompleteTasking, RecordFollowUp, UpdateReporter
from tasking.commands.case import FollowUpKind, UpdateChannel
from tasking.errors import DomainError
from tasking.queries import reads
from tasking.queries.audit import audit, show
from tasking.reporting import render
from tasking.reporting.case_text import STORY_LINES
from tasking.reporting.sections import SECTIONS
from tasking.time.instants import parse_date, parse_datetime, utcnow
from tasking.web.auth import check_csrf
from tasking.web.forms import Refused, form_write, typed_fields
from tasking.web import sign_in
from tasking.web.headers import csp_with_inline_styles
from tasking.web.page_session import PageDesk, page_desk, signed_in
from tasking.web.problems import Problem, wants_json

router = APIRouter(include_in_schema=False)
router.include_router(sign_in.router)  # signing in and out, matched first as they always were


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
    sections = [(key, heading, columns, brief.get(key, [])) for key, heading, columns in SECTIONS]
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
        story=[(key, heading, [(r, describe(r)) for r in case.get(key, [])]) for key, heading, describe in STORY_LINES],
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
    columns = next(columns for key, _, columns in SECTIONS if key == "feedback_owed")
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

FORMS: dict[str, tuple[type[Command], str]] = {
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
