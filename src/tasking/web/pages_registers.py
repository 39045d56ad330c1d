"""The desk's registers: ASB case reviews and Task and Finish groups (a list and a record page each),
and the Community MARAC's agenda, each with the writes the user may make.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from tasking.queries import reads
from tasking.time.instants import utcnow
from tasking.web.desk_writes import DESK_WRITES, LABELS, may_write
from tasking.web.page_session import PageDesk, page_desk

router = APIRouter(include_in_schema=False)


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
    writes = [(f"/desk/{n}", LABELS[n]) for n in ("marac-meetings-add", "marac-discuss") if may_write(desk, n)]
    return desk.page(
        "desk_table.html",
        heading="Community MARAC: the agenda",
        rows=agenda.get("items", []),
        filters=[],
        action=None,
        writes=writes,
        note=f"{len(meetings)} meetings held; the next: {agenda.get('meeting') or 'none scheduled'}.",
    )


for _base in REGISTERS:
    _register_routes(_base)


def _listing(desk: PageDesk, heading: str, rows: list[dict[str, Any]], key: str, base: str, opener: str) -> Response:
    writes = [(f"/desk/{opener}", LABELS[opener])] if may_write(desk, opener) else []
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
    writes = [(f"/desk/{n}?{urlencode(given)}", LABELS[n]) for n in names if may_write(desk, n)]
    return desk.page("desk_record.html", heading=heading, record=record, writes=writes)
