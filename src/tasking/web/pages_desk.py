"""The desk: the case list with filters, people, the access log, users and tokens here; the year's
figures with their drill-down and export downloads (pages_figures.py), and the case review, Task and
Finish and Community MARAC pages (pages_registers.py); every read is the CLI's own query through
`open_reader` (the permission rule), every write the CLI's command through `form_write`
(`/desk/{command}`, a form made from the command's model: desk_writes.py). Its router holds theirs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from tasking.errors import DomainError
from tasking.queries.access import access_log
from tasking.queries.cases import list_cases
from tasking.queries.people import find_people, person_with_cases
from tasking.queries.roster import users
from tasking.queries.state import CaseState, case_states
from tasking.time.instants import parse_date
from tasking.web import desk_writes, pages_figures, pages_registers
from tasking.web.desk_writes import USER_WRITES, may_write
from tasking.web.forms import plain
from tasking.web.page_session import PageDesk, page_desk
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


CASES_PER_PAGE = 100


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
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    """`tasking cases`, filtered: a restricted case's outline matches only the filters its outline
    answers (open, area, received), so a filter never tells what an outline hides. Shown
    `CASES_PER_PAGE` at a time (`page`), so a district's years stay one readable page each."""
    reader = desk.read("cases")
    start, end = _date(received_from, "received_from"), _date(received_to, "received_to")
    rows = list_cases(reader, open_only=bool(open), area=area or None)["cases"]
    details: dict[str, CaseState] = {}
    if agency or lead:
        in_full = {row["case"] for row in rows if not row.get("restricted")}
        details = {ref: state for ref, state in case_states(reader.db, reader.point).items() if ref in in_full}
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
    first = (page - 1) * CASES_PER_PAGE
    pages = max(1, -(-len(found) // CASES_PER_PAGE))
    link = {name: value for name, value in chosen.items() if value}
    return desk.page(
        "desk_cases.html",
        cases=found[first : first + CASES_PER_PAGE],
        total=len(found),
        first=first,
        page=page,
        pages=pages,
        previous=urlencode({**link, "page": page - 1}) if page > 1 else None,
        next=urlencode({**link, "page": page + 1}) if page < pages else None,
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
        and (
            not agency
            or row["source"] == agency
            or (state is not None and any(t.tasked_agency == agency for t in state.taskings.values()))
        )
        and (not lead or (state is not None and state.lead == lead))
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
    writes = [(f"/desk/{name}", label) for name, label in USER_WRITES if may_write(desk, name)]
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


# The desk's other pages, after its own, in the order they were always matched.
for _pages in (pages_figures, pages_registers, desk_writes):
    router.include_router(_pages.router)
