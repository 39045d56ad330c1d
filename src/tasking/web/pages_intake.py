"""`/cases/new`: record a report received (`RecordReport`, as `tasking report`), with a person look-up
(`person find`) and a person added (`AddPerson`, as `tasking person add`) on the same page.

The look-up and the add post the whole form, so nothing typed is lost; the roles that may open the
page are those the permission table lets `report`. After saving, the case page, with a notice when
the new report may duplicate an open one (`tasking.queries.duplicates`) or joins a repeat flag
(`tasking.queries.repeats`), by reference only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tasking.commands import AddPerson, RecordReport
from tasking.commands.case import Channel, Risk
from tasking.errors import DomainError
from tasking.queries import reads
from tasking.queries.duplicates import possible_duplicates
from tasking.queries.people import find_people
from tasking.time.instants import parse_datetime, utcnow
from tasking.web.auth import check_csrf
from tasking.web.forms import Refused, form_write, may, plain, typed_fields
from tasking.web.page_session import PageDesk, page_desk, signed_in
from tasking.web.problems import Problem, problem_for

router = APIRouter(include_in_schema=False)

REPORT_FIELDS = (
    "source",
    "channel",
    "category",
    "area",
    "location",
    "lat",
    "lon",
    "occurred_at",
    "at",
    "reporter",
    "anonymous",
    "victim",
    "no_feedback",
    "risk",
    "summary",
)
PERSON_FIELDS = {"new_name": "name", "new_phone": "phone", "new_email": "email", "new_address": "address"}


def _allowed(desk: PageDesk) -> None:
    """The page is the `report` write's: the one permission rule decides who may open it."""
    app = desk.services.app
    app.authorize(app.actor(desk.user.login, "report"), "report")


def _form(
    desk: PageDesk,
    typed: dict[str, str],
    status: int = 200,
    error: str | None = None,
    found: list[dict[str, Any]] | None = None,
    notice: str | None = None,
) -> Response:
    config = desk.services.app.config
    return desk.page(
        "intake.html",
        status=status,
        typed=typed,
        error=error,
        found=found,
        notice=notice,
        agencies=list(config.agencies),
        channels=get_args(Channel),
        risks=get_args(Risk),
        categories=[(code, c.name) for code, c in config.categories.items()],
        areas=config.areas.names,
        may_find=may(desk.user.role, "person find"),
        may_add=may(desk.user.role, "person add"),
    )


@router.get("/cases/new", response_class=HTMLResponse)
def new_report(desk: PageDesk = Depends(page_desk)) -> Response:
    _allowed(desk)
    return _form(desk, {"source": desk.user.agency, "channel": "phone", "risk": "standard"})


@router.post("/cases/new", response_class=HTMLResponse)
async def record_report(request: Request) -> Response:
    form = dict(await request.form())
    return await run_in_threadpool(_record_report, request, form)


def _record_report(request: Request, form: dict[str, Any]) -> Response:
    check_csrf(request.session, form.get("csrf_token"))
    typed = typed_fields(form)
    step = typed.pop("step", "save")
    with signed_in(request) as desk:
        _allowed(desk)
        if step == "find":
            return _find(desk, typed)
        if step == "add":
            return _add_person(desk, typed)
        fields: dict[str, Any] = {k: v for k, v in typed.items() if k in REPORT_FIELDS}
        for flag in ("anonymous", "no_feedback"):
            fields[flag] = flag in fields
        try:
            done = form_write(desk, RecordReport, fields, typed, request_id=typed.get("request_id"))
        except Refused as refused:
            return _form(desk, refused.typed, status=refused.status, error=refused.reason)
        received = parse_datetime(typed["at"], "at") if typed.get("at") else utcnow()  # refused above if not a time
        notice = "Report recorded" + _notice(desk, done["case"], received)
    return RedirectResponse(f"/cases/{done['case']}?done={quote(notice)}", status_code=303)


def _find(desk: PageDesk, typed: dict[str, str]) -> Response:
    """`person find` by name or phone, recorded in the access log as the CLI's search is."""
    wanted = typed.get("find", "")
    by_phone = sum(ch.isdigit() for ch in wanted) >= 3 and not any(ch.isalpha() for ch in wanted)
    try:
        found = find_people(
            desk.services.app,
            name=None if by_phone else wanted,
            phone=wanted if by_phone else None,
            user=desk.user.login,
        )
    except DomainError as exc:
        problem = problem_for(exc)
        if problem.status == 403:
            raise
        return _form(
            desk,
            typed,
            status=422,
            error=plain(Problem(422, "find: type a name, or at least 3 digits of a phone number")),
        )
    return _form(desk, typed, found=found)


def _add_person(desk: PageDesk, typed: dict[str, str]) -> Response:
    """`AddPerson` from the page's person fields; the new reference becomes the reporter."""
    fields = {PERSON_FIELDS[k]: v for k, v in typed.items() if k in PERSON_FIELDS}
    kept = {k: v for k, v in typed.items() if k not in PERSON_FIELDS}
    try:
        added = form_write(desk, AddPerson, fields, typed)
    except Refused as refused:
        return _form(desk, typed, status=refused.status, error=refused.reason)
    kept["reporter"] = added["person"]
    kept.pop("anonymous", None)
    return _form(desk, kept, notice=f"Person {added['person']} added as the reporter")


def _notice(desk: PageDesk, case: str, received: dt.datetime) -> str:
    """A possible duplicate of a report open when this one was received (references for those who may
    read `duplicates`) and the repeat flags it joins then (`repeats`, as the briefing shows them)."""
    parts = []
    reader = desk.read("report")  # the reporter's own write: the rule that lets them report
    pairs = possible_duplicates(reader.db, reader.config, reader.point.until(received), focus=[case])
    others = sorted({p["other"] if p["case"] == case else p["case"] for p in pairs})
    if others and may(desk.user.role, "duplicates"):
        parts.append(f"it may duplicate open report {', '.join(others)}: confirm or dismiss it on the briefing")
    elif others:
        parts.append(
            "it may duplicate an open report from another agency: the coordinator will confirm or dismiss "
            "it at the meeting"
        )
    if may(desk.user.role, "repeats"):
        flags = reads.repeats_read(desk.read("repeats"), received, utcnow())["repeat_flags"]
        for flag in flags:
            if case in flag.get("cases", []):
                parts.append(f"it joins repeat flag {flag['flag']} ({flag['reason']})")
    return ("; " + "; ".join(parts)) if parts else ""
