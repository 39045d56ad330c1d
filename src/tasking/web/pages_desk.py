"""The desk: the case list with filters, people, the access log, users and tokens, the year's figures
with their drill-down and export downloads, and the case review, Task and Finish and Community MARAC
pages; every read is the CLI's own query through `open_reader` (the permission rule), every write
the CLI's command through `form_write` (`/desk/{command}`, a form made from the command's model).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tasking.commands import COMMAND_HANDLERS
from tasking.commands.base import Command
from tasking.errors import DomainError
from tasking.domain.permissions import COMMAND_ACTIONS
from tasking.queries import reads
from tasking.queries.access import access_log, redact_explained
from tasking.queries.cases import list_cases
from tasking.queries.people import find_people, person_with_cases
from tasking.queries.roster import users
from tasking.queries.state import case_states
from tasking.queries.stats import explain, year_stats
from tasking.time.instants import financial_year_of, parse_date, utcnow
from tasking.web.api import body_model, path_name
from tasking.web.auth import check_csrf
from tasking.web.forms import Refused, form_write, may, plain
from tasking.web.pages import PageDesk, _safe_next, page_desk, signed_in
from tasking.web.problems import Problem, problem_for

router = APIRouter(include_in_schema=False)


# --- the case list -----------------------------------------------------------------------------

FILTERS = ("open", "area", "category", "agency", "risk", "lead", "received_from", "received_to")


def _date(text: str | None, field: str) -> str | None:
    if not text:
        return None
    try:
        return parse_date(text, field).isoformat()
    except DomainError as exc:
        raise Problem(422, plain(problem_for(exc)), field=field, rule="date") from None


@router.get("/cases", response_class=HTMLResponse)
def cases(
    desk: PageDesk = Depends(page_desk),
    open: str | None = Query(None, max_length=3),
    area: str | None = Query(None, max_length=100),
    category: str | None = Query(None, max_length=64),
    agency: str | None = Query(None, max_length=64),
    risk: str | None = Query(None, max_length=16),
    lead: str | None = Query(None, max_length=64),
    received_from: str | None = Query(None, max_length=10),
    received_to: str | None = Query(None, max_length=10),
) -> Response:
    """`tasking cases`, filtered: a restricted case's outline matches only the filters its outline
    answers (open, area, received), so a filter never tells what an outline hides."""
    reader = desk.read("cases")
    start, end = _date(received_from, "received_from"), _date(received_to, "received_to")
    rows = list_cases(reader, open_only=bool(open), area=area or None)["cases"]
    details = {}
    if agency or lead:
        wanted = {row["case"] for row in rows if not row.get("restricted")}
        details = {ref: state for ref, state in case_states(reader.db, reader.point).items() if ref in wanted}
    wanted = {"category": category, "risk": risk, "agency": agency, "lead": lead}
    found = [
        row
        for row in rows
        if (not start or (row.get("received_at") or "")[:10] >= start)
        and (not end or (row.get("received_at") or "")[:10] <= end)
        and _matches(row, details, **wanted)
    ]
    config = reader.config
    chosen = {
        "open": open or "",
        "area": area or "",
        "category": category or "",
        "agency": agency or "",
        "risk": risk or "",
        "lead": lead or "",
        "received_from": received_from or "",
        "received_to": received_to or "",
    }
    return desk.page(
        "desk_cases.html",
        cases=found,
        typed=chosen,
        areas=config.areas.names,
        categories=list(config.categories),
        agencies=list(config.agencies),
        risks=("standard", "medium", "high"),
        position=reader.point.position,
    )


def _matches(
    row: dict[str, Any],
    details: dict[str, Any],
    category: str | None,
    risk: str | None,
    agency: str | None,
    lead: str | None,
) -> bool:
    if row.get("restricted"):  # an outline answers none of these
        return not (category or risk or agency or lead)
    state = details.get(row["case"])
    return (
        (not category or row["category"] == category)
        and (not risk or row["risk"] == risk)
        and (not agency or row["source"] == agency or any(t.tasked_agency == agency for t in state.taskings.values()))
        and (not lead or state.lead == lead)
    )


# --- people ------------------------------------------------------------------------------------


@router.get("/people", response_class=HTMLResponse)
def people(desk: PageDesk = Depends(page_desk), find: str | None = Query(None, max_length=200)) -> Response:
    """`tasking person find` (recorded in the access log by kind, never by what was searched for)."""
    app = desk.services.app
    app.authorize(app.actor(desk.user.login, "person find"), "person find")
    found, error = None, None
    if find:
        by_phone = sum(ch.isdigit() for ch in find) >= 3 and not any(ch.isalpha() for ch in find)
        try:
            found = find_people(
                app, name=None if by_phone else find, phone=find if by_phone else None, user=desk.user.login
            )
        except DomainError as exc:
            problem = problem_for(exc)
            if problem.status == 403:
                raise
            error = plain(problem)
    return desk.page("desk_people.html", found=found, find=find or "", error=error)


@router.get("/people/{person}", response_class=HTMLResponse)
def person(person: str, desk: PageDesk = Depends(page_desk)) -> Response:
    found = person_with_cases(desk.read("person show"), person)
    return desk.page("desk_record.html", heading=f"Person {person}", record=found, links={})


# --- the access log, users and tokens ----------------------------------------------------------


@router.get("/access-log", response_class=HTMLResponse)
def access(
    desk: PageDesk = Depends(page_desk),
    case: str | None = Query(None, max_length=64),
    user: str | None = Query(None, max_length=64),
) -> Response:
    found = access_log(desk.read("access-log"), case=case or None, user=user or None)
    return desk.page(
        "desk_table.html",
        heading="Access log",
        rows=found["entries"],
        note=None,
        filters=[("case", "Case", case or ""), ("user", "User", user or "")],
        action="/access-log",
    )


@router.get("/users", response_class=HTMLResponse)
def roster(desk: PageDesk = Depends(page_desk)) -> Response:
    found = users(desk.read("users list"))
    writes = [(f"/desk/{name}", label) for name, label in USER_WRITES if may(desk.user.role, _permission(name))]
    return desk.page(
        "desk_table.html",
        heading="Users",
        rows=found["users"],
        filters=[],
        action=None,
        note="Tokens are issued only to their own user (sign in, then `users token` or redeem an "
        "enrolment code); a coordinator or admin may revoke anyone's.",
        writes=writes,
    )


# --- the year's figures ------------------------------------------------------------------------

_NOT_FIGURES = {
    "financial_year",
    "position",
    "fingerprint",
    "previous_year",
    "feedback_rate",
    "partnership",
    "generated",
    "from",
    "to",
}


def _flat(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """The figures `--explain` can drill into: the counts, and the counts one level down (`powers.CPW`)."""
    out: list[tuple[str, Any]] = []
    for key, value in figures.items():
        if key in _NOT_FIGURES:
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            out.append((key, value))
        elif isinstance(value, dict):
            out += [
                (f"{key}.{name}", inner)
                for name, inner in value.items()
                if isinstance(inner, int) and not isinstance(inner, bool)
            ]
    return out


@router.get("/figures", response_class=HTMLResponse)
def figures_now(desk: PageDesk = Depends(page_desk), year: int | None = Query(None, ge=1899, le=9998)) -> Response:
    desk.read("stats")  # the permission rule first
    return RedirectResponse(f"/figures/{year or financial_year_of(utcnow()) - 1}", status_code=303)


def _year(year: int) -> None:
    if not 1899 <= year <= 9998:
        raise Problem(422, "year: must be from 1899 to 9998", field="year", rule="range")


@router.get("/figures/{year}", response_class=HTMLResponse)
def figures(year: int, desk: PageDesk = Depends(page_desk)) -> Response:
    """`tasking stats --year`: each figure links to its `--explain` list; exports download below."""
    _year(year)
    desk.services.check_views()
    reader = desk.read("stats")
    found = year_stats(reader.db, reader.config, year, reader.point.position)
    from tasking.interchange import export as exports

    return desk.page(
        "desk_figures.html",
        year=year,
        figures=found,
        rows=_flat(found),
        kinds=exports.KINDS,
        formats=exports.FORMATS,
        may_export=may(desk.user.role, "export"),
    )


@router.get("/figures/{year}/explain/{figure}", response_class=HTMLResponse)
def figure(year: int, figure: str, desk: PageDesk = Depends(page_desk)) -> Response:
    _year(year)
    desk.services.check_views()
    reader = desk.read("explain")
    try:
        found = redact_explained(reader, explain(reader.db, reader.config, year, reader.point.position, figure))
    except DomainError as exc:
        problem = problem_for(exc)
        raise Problem(404 if problem.status == 409 else problem.status, plain(problem), field="figure") from None
    return desk.page(
        "desk_table.html",
        heading=f"{found['figure']} {found['financial_year']}: {found['count']} events",
        rows=found["items"],
        filters=[],
        action=None,
        note=f"Position {found['position']}.",
    )


MEDIA = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/figures/{year}/export/{kind}.{fmt}")
def export_file(year: int, kind: str, fmt: str, desk: PageDesk = Depends(page_desk)) -> Response:
    """`tasking export KIND --format FMT --year YEAR`, pseudonymised, downloaded (written owner-only aside)."""
    from tasking.interchange import export as exports

    _year(year)
    if kind not in exports.KINDS or fmt not in exports.FORMATS:
        raise Problem(
            404, f"no export {kind}.{fmt}: kinds {', '.join(exports.KINDS)}; formats {', '.join(exports.FORMATS)}"
        )
    reader = desk.read("export")
    with tempfile.TemporaryDirectory(prefix="tasking-export-") as folder:
        out = Path(folder) / f"{kind}-{year}.{fmt}"
        exports.export(reader, kind, fmt, out, year)
        body = out.read_bytes()
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{kind}-{year}.{fmt}"', "Cache-Control": "no-store"},
    )


# --- case reviews, Task and Finish groups, Community MARAC -------------------------------------


def _now() -> dt.datetime:
    return utcnow()


# path: (read action, list read, its key, one read, the item's key, heading, one's heading, the writes' prefix)
REGISTERS: dict[str, tuple[str, Any, str, Any, str, str, str, str]] = {
    "/case-reviews": (
        "case-review list",
        reads.case_reviews_read,
        "reviews",
        reads.case_review_read,
        "review",
        "ASB case reviews",
        "Case review",
        "case-review-",
    ),
    "/task-and-finish-groups": (
        "tfg list",
        reads.groups_read,
        "groups",
        reads.group_read,
        "group",
        "Task and Finish groups",
        "Task and Finish group",
        "tfg-",
    ),
}


def _register_routes(base: str) -> None:
    action, list_read, rows_key, one_read, key, heading, one_heading, prefix = REGISTERS[base]
    opener = f"{prefix}apply" if prefix == "case-review-" else f"{prefix}open"

    def listing(desk: PageDesk = Depends(page_desk)) -> Response:
        found = list_read(desk.read(action), None, _now())
        return _listing(desk, heading, found[rows_key], key, base, opener)

    def one(reference: str, desk: PageDesk = Depends(page_desk)) -> Response:
        found = one_read(desk.read(action), reference, None, _now())
        names = [n for n in DESK_WRITES if n.startswith(prefix) and n != opener]
        return _record(desk, f"{one_heading} {reference}", found, names, {key: reference})

    router.add_api_route(base, listing, response_class=HTMLResponse, methods=["GET"], name=f"{key}-list")
    router.add_api_route(base + "/{reference}", one, response_class=HTMLResponse, methods=["GET"], name=key)


@router.get("/marac", response_class=HTMLResponse)
def marac(desk: PageDesk = Depends(page_desk)) -> Response:
    reader = desk.read("marac agenda")
    agenda = reads.marac_agenda_read(reader, None, None, _now())
    meetings = reads.marac_meetings_read(reader, None, _now())["meetings"]
    writes = [(f"/desk/{n}", LABELS[n]) for n in ("marac-meetings-add", "marac-discuss") if _may_write(desk, n)]
    return desk.page(
        "desk_table.html",
        heading="Community MARAC: the agenda",
        rows=agenda.get("items", []),
        filters=[],
        action=None,
        writes=writes,
        note=f"{len(meetings)} meetings held; the next: {agenda.get('meeting') or 'none scheduled'}.",
    )


def _listing(desk: PageDesk, heading: str, rows: list[dict[str, Any]], key: str, base: str, opener: str) -> Response:
    writes = [(f"/desk/{opener}", LABELS[opener])] if _may_write(desk, opener) else []
    return desk.page(
        "desk_table.html",
        heading=heading,
        rows=rows,
        filters=[],
        action=None,
        writes=writes,
        note=None,
        link=(key, base),
    )


def _record(desk: PageDesk, heading: str, record: dict[str, Any], names: list[str], given: dict[str, str]) -> Response:
    writes = [(f"/desk/{n}?{urlencode(given)}", LABELS[n]) for n in names if _may_write(desk, n)]
    return desk.page("desk_record.html", heading=heading, record=record, writes=writes)


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
for _base in REGISTERS:
    _register_routes(_base)


def _permission(name: str) -> str:
    return COMMAND_ACTIONS[DESK_WRITES[name].__name__]


def _may_write(desk: PageDesk, name: str) -> bool:
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
    target = _safe_next(str(form.get("next") or "")) if form.get("next") else f"/desk/{name}"
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}done={quote(LABELS[name] + ': ' + what)}", status_code=303)
