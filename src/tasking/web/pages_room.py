"""The meeting room: the briefing page's row actions, each the command the CLI sends.

From a new report: task an agency (`RaiseTasking`), link to another case (`LinkCases`), set the
risk (`AssessRisk`), assign a lead (`AssignLead`), close (`CloseCase`), mark it discussed
(`ReviewCase`, the note saying so); from a repeat flag: acknowledge it (`AcknowledgeFlag`); from a
possible duplicate: confirm it (a `same-incident` link, as `tasking duplicates confirm`) or dismiss
it (`DismissDuplicate`). Every form takes an optional `at` (effective time, local; default now),
as every CLI write takes `--at`. Each form posts to `/briefing/{day}/{action}` and comes back to its row
(`#row-CASE`, `#flag-FLAG`, `#dup-CASE-OTHER`); a refusal re-renders the briefing with the reason
at the row and what was typed. The coordinator's last button issues the day's pack
(`tasking briefing issue`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tasking.commands import (
    AcknowledgeFlag,
    AssessRisk,
    AssignLead,
    CloseCase,
    DismissDuplicate,
    LinkCases,
    RaiseTasking,
    ReviewCase,
)
from tasking.commands.base import Command
from tasking.commands.case import CloseReason, LinkReason, Risk
from tasking.commands.handlers import check_real_meeting
from tasking.errors import DomainError
from tasking.queries import reads
from tasking.queries.roster import users
from tasking.time.instants import parse_datetime, utcnow
from tasking.web.auth import check_csrf
from tasking.web.forms import Refused, form_write, may, plain
from tasking.web.page_session import PageDesk, signed_in
from tasking.web.problems import Problem, problem_for

router = APIRouter(include_in_schema=False)

# action: (command, permission action, the fields the form may send, what the notice says)
ACTIONS: dict[str, tuple[type[Command], str, tuple[str, ...], str]] = {
    "task": (RaiseTasking, "task", ("case", "agency", "owner", "action", "due"), "Tasked"),
    "link": (LinkCases, "link", ("case", "to", "reason"), "Linked"),
    "risk": (AssessRisk, "risk", ("case", "level", "reason"), "Risk set"),
    "assign": (AssignLead, "assign", ("case", "lead"), "Lead assigned"),
    "close": (CloseCase, "close", ("case", "reason", "note", "complete_taskings"), "Closed"),
    "discussed": (ReviewCase, "review", ("case", "note"), "Marked discussed"),
    "acknowledge": (AcknowledgeFlag, "repeats acknowledge", ("flag", "note"), "Flag acknowledged"),
    "confirm": (LinkCases, "link", ("case", "other"), "Confirmed as one incident"),
    "dismiss": (DismissDuplicate, "duplicates dismiss", ("case", "other", "reason"), "Dismissed as not a duplicate"),
}
DISCUSSED = "Discussed at the daily tasking meeting"


def anchor(action: str, fields: dict[str, str]) -> str:
    """The row a form came from: a new report's, a flag's or a duplicate pair's."""
    if action == "acknowledge":
        return f"flag-{fields.get('flag', '')}"
    if action in ("confirm", "dismiss"):
        return f"dup-{fields.get('case', '')}-{fields.get('other', '')}"
    return f"row-{fields.get('case', '')}"


def room_context(desk: PageDesk, day: str, position: int | None, brief: dict[str, Any]) -> dict[str, Any]:
    """What the briefing's row forms need: the actions the role may take (the permission rule), the
    choices, and the issue button (not on a reprint at a position)."""
    role = desk.user.role
    can = {action: may(role, permission) for action, (_, permission, _, _) in ACTIONS.items()}
    leads = (
        [u["login"] for u in users(desk.read("users list"))["users"] if u["active"]]
        if can["assign"] and may(role, "users list")
        else []
    )
    return {
        "day": day,
        "can": can,
        "agencies": list(desk.services.app.config.agencies),
        "risks": get_args(Risk),
        "close_reasons": get_args(CloseReason),
        "link_reasons": get_args(LinkReason),
        "leads": leads,
        "may_issue": position is None and may(role, "briefing issue"),
        "discussed_note": DISCUSSED,
        "issued": _issued(desk, brief) if position is None else None,
    }


def _issued(desk: PageDesk, brief: dict[str, Any]) -> bool:
    from tasking.reporting.packs import is_issued

    return is_issued(desk.services, dt.datetime.fromisoformat(brief["meeting"]))


@router.post("/briefing/{day}/{action}", response_class=HTMLResponse)
async def room_write(day: str, action: str, request: Request) -> Response:
    form = dict(await request.form())
    return await run_in_threadpool(_room_write, request, day, action, form)


def _room_write(request: Request, day: str, action: str, form: dict[str, Any]) -> Response:
    from tasking.web.pages import briefing_page

    if action != "issue" and action not in ACTIONS:
        raise Problem(404, f"no action {action!r} on the briefing")
    check_csrf(request.session, form.get("csrf_token"))
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf_token" and str(v).strip()}
    with signed_in(request) as desk:
        if action == "issue":
            return _issue(request, desk, day)
        command_class, _, allowed, done = ACTIONS[action]
        fields: dict[str, Any] = {k: v for k, v in typed.items() if k in (*allowed, "at")}
        try:
            fields = _shape(desk, action, fields)
            result = form_write(desk, command_class, fields, typed, request_id=typed.get("request_id"))
        except Refused as refused:
            return briefing_page(
                desk,
                day,
                status=refused.status,
                refused={
                    "anchor": anchor(action, typed),
                    "action": action,
                    "reason": refused.reason,
                    "typed": refused.typed,
                },
            )
        what = result.get("tasking") or result.get("case") or result.get("flag") or ""
    notice = f"{done}: {typed.get('case') or typed.get('flag', '')}" + (f" {what}" if what.startswith("T") else "")
    return RedirectResponse(f"/briefing/{day}?done={quote(notice)}#{anchor(action, typed)}", status_code=303)


def _shape(desk: PageDesk, action: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The few fields a row form does not type: the flag's cases, the confirm link's reason."""
    if action == "confirm":
        fields["to"] = fields.pop("other", "")
        fields["reason"] = "same-incident"
    elif action == "discussed":
        fields.setdefault("note", DISCUSSED)
    elif action == "acknowledge":
        try:  # the flag as raised when the acknowledgement takes effect, as `tasking repeats acknowledge`
            when = parse_datetime(fields["at"], "at") if fields.get("at") else None
        except DomainError as exc:
            raise Refused(422, plain(problem_for(exc)), fields) from None
        flags = reads.repeats_read(desk.read("repeats"), when, utcnow())["repeat_flags"]
        wanted = str(fields.get("flag", "")).upper()
        match = next((f for f in flags if f["flag"] == wanted), None)
        if match is None:
            raise Refused(409, f"Flag {wanted} is not raised then (or already acknowledged)", fields)
        fields["cases"] = tuple(match["cases"])
    return fields


def _issue(request: Request, desk: PageDesk, day: str) -> Response:
    """As `tasking briefing issue`: the pack for this page's meeting, made and recorded by the server."""
    from tasking.reporting.packs import issue_pack
    from tasking.web.pages import briefing_page

    now = utcnow()
    brief = reads.briefing_read(desk.read("briefing issue"), _meeting_day(day), now)
    meeting = dt.datetime.fromisoformat(brief["meeting"])
    try:
        check_real_meeting(desk.services.app.config, meeting, now)
        issued = issue_pack(desk.services, meeting, request.app.state.packs, desk.user.login, now)
    except DomainError as exc:
        problem = problem_for(exc)
        if problem.status in (403, 503):
            raise
        return briefing_page(
            desk, day, status=409, refused={"anchor": "issue", "action": "issue", "reason": plain(problem), "typed": {}}
        )
    notice = "Pack issued" if issued["issued"] else "The pack for this meeting was already issued"
    return RedirectResponse(f"/briefing/{day}?done={quote(notice)}#issue", status_code=303)


def _meeting_day(day: str) -> dt.datetime:
    from tasking.web.pages import _day

    return _day(day)
