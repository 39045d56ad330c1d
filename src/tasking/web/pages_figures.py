"""The desk's figures: the year's figures as pages, each figure's drill-down to its contributing
events, and the export downloads; every read through `open_reader` (the permission rule).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tasking.errors import DomainError
from tasking.queries.access import redact_explained
from tasking.queries.stats import explain, year_stats
from tasking.time.instants import financial_year_of, utcnow
from tasking.web.forms import may, plain
from tasking.web.page_session import PageDesk, page_desk
from tasking.web.problems import Problem, problem_for

router = APIRouter(include_in_schema=False)


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
