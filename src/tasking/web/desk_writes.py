"""The desk's writes: `/desk/{command}`, a form made from the command's own model, sent through
`form_write` (the CLI's command, the permission rule), for the commands in `DESK_COMMANDS`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tasking.commands import COMMAND_HANDLERS
from tasking.commands.base import Command
from tasking.domain.permissions import COMMAND_ACTIONS
from tasking.web.api_commands import body_model, path_name
from tasking.web.auth import check_csrf
from tasking.web.forms import Refused, form_write, may
from tasking.web.page_session import PageDesk, page_desk, safe_next, signed_in
from tasking.web.problems import Problem

router = APIRouter(include_in_schema=False)


# --- the desk's writes: a form made from the command's own model -------------------------------

DESK_COMMANDS = (
    "CaseReviewApply",
    "CaseReviewAcknowledge",
    "CaseReviewAssess",
    "CaseReviewDecide",
    "CaseReviewHold",
    "CaseReviewRecommend",
    "CaseReviewRespond",
    "CaseReviewClose",
    "TfgOpen",
    "TfgAddCase",
    "TfgAction",
    "TfgCompleteAction",
    "TfgMeet",
    "TfgComplete",
    "MaracMeetingsAdd",
    "MaracDiscuss",
    "AddUser",
    "DeactivateUser",
    "ChangeRole",
    "RevokeToken",
)
DESK_WRITES: dict[str, type[Command]] = {path_name(c): c for c in COMMAND_HANDLERS if c.__name__ in DESK_COMMANDS}
LABELS = {
    name: name.replace("-", " ").capitalize().replace("Tfg", "Task and Finish:").replace("Marac", "MARAC:")
    for name in DESK_WRITES
}
USER_WRITES = [(n, LABELS[n]) for n in ("add-user", "deactivate-user", "change-role", "revoke-token")]


def _permission(name: str) -> str:
    return COMMAND_ACTIONS[DESK_WRITES[name].__name__]


def may_write(desk: PageDesk, name: str) -> bool:
    return may(desk.user.role, _permission(name))


def _command(name: str) -> type[Command]:
    if name not in DESK_WRITES:
        raise Problem(404, f"no desk form {name!r}")
    return DESK_WRITES[name]


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    """How a field is typed in: a choice, a date, a date-time, a tick, a list, or text."""
    inner = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # optional: `X | None`
        inner = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(inner) is typing.Annotated:
        inner = typing.get_args(inner)[0]
    if typing.get_origin(inner) is typing.Literal:
        return "choice", tuple(str(a) for a in typing.get_args(inner))
    if typing.get_origin(inner) is tuple:
        return "list", ()
    if inner is bool:
        return "tick", ()
    if inner is dt.date:
        return "date", ()
    if isinstance(inner, type) and issubclass(inner, dt.datetime) or "datetime" in str(inner).lower():
        return "datetime-local", ()
    return "text", ()


def _fields(command_class: type[Command]) -> list[dict[str, Any]]:
    out = []
    for name, info in body_model(command_class).model_fields.items():
        kind, options = _kind(info.annotation)
        out.append(
            {
                "name": name,
                "label": "When" if name == "at" else name.replace("_", " ").capitalize(),
                "kind": kind,
                "options": options,
                "required": info.is_required() and name != "at",
            }
        )
    return out


def _write_form(
    desk: PageDesk, name: str, typed: dict[str, str], status: int = 200, error: str | None = None
) -> Response:
    command_class = _command(name)
    app = desk.services.app
    app.authorize(app.actor(desk.user.login, _permission(name)), _permission(name))
    doc = (command_class.__doc__ or "").strip().splitlines()
    return desk.page(
        "desk_write.html",
        status=status,
        command=name,
        heading=LABELS[name],
        fields=_fields(command_class),
        typed=typed,
        error=error,
        about=doc[0] if doc else "",
    )


@router.get("/desk/{name}", response_class=HTMLResponse)
def write_form(name: str, request: Request, desk: PageDesk = Depends(page_desk)) -> Response:
    return _write_form(desk, name, {k: v for k, v in request.query_params.items() if k != "csrf_token"})


@router.post("/desk/{name}", response_class=HTMLResponse)
async def desk_write(name: str, request: Request) -> Response:
    form = dict(await request.form())
    return await run_in_threadpool(_desk_write, request, name, form)


def _desk_write(request: Request, name: str, form: dict[str, Any]) -> Response:
    command_class = _command(name)
    check_csrf(request.session, form.get("csrf_token"))
    typed = {k: str(v).strip() for k, v in form.items() if k not in ("csrf_token", "next") and str(v).strip()}
    with signed_in(request) as desk:
        fields: dict[str, Any] = {}
        for spec in _fields(command_class):
            value = typed.get(spec["name"])
            if spec["kind"] == "tick":
                fields[spec["name"]] = value is not None
            elif value is not None:
                fields[spec["name"]] = (
                    tuple(v.strip() for v in value.split(",") if v.strip()) if spec["kind"] == "list" else value
                )
        try:
            done = form_write(desk, command_class, fields, typed, request_id=typed.get("request_id"))
        except Refused as refused:
            return _write_form(desk, name, refused.typed, status=refused.status, error=refused.reason)
    what = ", ".join(f"{k} {v}" for k, v in done.items() if isinstance(v, str) and len(v) < 40)
    target = safe_next(str(form.get("next") or "")) if form.get("next") else f"/desk/{name}"
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}done={quote(LABELS[name] + ': ' + what)}", status_code=303)
