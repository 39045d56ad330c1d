"""The JSON API under /api/v1: the CLI's commands and reads, through the same layers.

- A write is `POST /api/v1/commands/<name>` (`record-follow-up` for `RecordFollowUp`): its body is
  the command's pydantic model without `user` (the token's user acts) and with `at` optional
  (default now). It goes through `tasking.commands.bus.send`, as `tasking follow-up` does.
  A `Request-Id` header makes it safe to retry, as `--request-id` does.
- A read takes `at` (effective time), `as_of` or `position` (recorded time), as the CLI does, and
  answers with the same JSON bytes as the command's `--json`.

The reads are here; the writes are made in api_commands.py, and the desk (the token's user, the
times, the one way a read is answered) is api_desk.py's.
"""

# No `from __future__ import annotations`: the write routes' body types are made at import time.

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from tasking.errors import DomainError
from tasking.queries import reads
from tasking.queries.audit import audit, show
from tasking.queries.cases import list_cases
from tasking.queries.point import Reader
from tasking.queries.roster import briefings_issued, users
from tasking.queries.stats import explain, year_stats
from tasking.time.instants import DATE_PATTERN, parse_date, utcnow
from tasking.web.api_commands import add_write_routes
from tasking.web.api_desk import Desk, Times, answer, api_desk, read, reading, recorded_times, times
from tasking.web.problems import Problem, openapi_responses

router = APIRouter(prefix="/api/v1", responses=openapi_responses(401, 403, 404, 422, 429, 503))
NOT_FOUND = openapi_responses(404)


@router.get("/me", tags=["reads"], summary="The token's user.")
@reading
def me(desk: Desk = Depends(api_desk)) -> dict[str, str]:
    return {
        "user": desk.user.login,
        "name": desk.user.name,
        "agency": desk.user.agency,
        "role": desk.user.role,
        "token": desk.user.token,
    }


@router.get("/briefing", tags=["reads"], summary="The queue for a tasking meeting (`tasking briefing --json`).")
@reading
def briefing(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    result = reads.briefing_read(read(desk, when, "briefing", at=False), when.at, utcnow())
    result["warnings"] = desk.services.views_warnings()
    return answer(result)


@router.get("/feedback-owed", tags=["reads"], summary="Cases whose reporter is owed an update.")
@reading
def feedback_owed(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(reads.feedback_owed_read(read(desk, when, "feedback-owed"), when.at, utcnow()))


@router.get("/repeats", tags=["reads"], summary="Repeat locations, victims and reporters.")
@reading
def repeats(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(reads.repeats_read(read(desk, when, "repeats"), when.at, utcnow()))


@router.get("/cases", tags=["reads"], summary="Cases, oldest first (`tasking cases --json`).")
@reading
def cases(
    desk: Desk = Depends(api_desk),
    when: Times = Depends(times),
    open: bool = Query(False, description="Only open cases."),
    area: str | None = Query(None, max_length=100, description="Only cases in this area."),
) -> Response:
    reader = read(desk, when, "cases")
    if area:
        try:
            area = reader.config.check_area(area)
        except DomainError as exc:
            raise Problem(422, str(exc), field="area", rule="unknown-area") from None
    return answer(list_cases(reader, open_only=open, area=area))


Reference = Path(..., max_length=64, description="A case reference, e.g. CSU-2017-00042.")


@router.get("/cases/{case}", tags=["reads"], summary="A case as it stood (`tasking show --json`).", responses=NOT_FOUND)
@reading
def case(case: str = Reference, desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(show(read(desk, when, "show", case=case), case))


@router.get(
    "/cases/{case}/audit",
    tags=["reads"],
    summary="Every event on a case (`tasking audit --json`).",
    responses=NOT_FOUND,
)
@reading
def case_audit(case: str = Reference, desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(audit(read(desk, when, "audit", case=case), case))


@router.get("/taskings", tags=["reads"], summary="Open taskings of an agency (default yours), overdue first.")
@reading
def taskings(
    desk: Desk = Depends(api_desk),
    when: Times = Depends(times),
    agency: str | None = Query(None, max_length=64, description="Agency code (default the user's)."),
) -> Response:
    reader = read(desk, when, "cases")
    try:
        code = reader.config.check_agency(agency) if agency else desk.user.agency
    except DomainError as exc:
        raise Problem(422, str(exc), field="agency", rule="unknown-agency") from None
    return answer(reads.open_taskings_read(reader, code, when.at, utcnow()))


Year = Path(..., ge=1899, le=9998, description="Financial year by its first year: 2017 is 2017/18.")


@router.get("/stats/{year}", tags=["reads"], summary="The year's figures (`tasking stats --year --json`).")
@reading
def stats(year: int = Year, desk: Desk = Depends(api_desk), when: Times = Depends(recorded_times)) -> Response:
    from tasking.reporting.annual_report import to_json

    reader = _stats_reader(desk, when, "stats")
    return Response(
        to_json(year_stats(reader.db, reader.config, year, reader.point.position)), media_type="application/json"
    )


@router.get(
    "/stats/{year}/explain/{figure}",
    tags=["reads"],
    responses=NOT_FOUND,
    summary="The cases and events behind one figure (`tasking stats --explain FIGURE --json`).",
)
@reading
def stats_explain(
    year: int = Year,
    figure: str = Path(..., max_length=200),
    desk: Desk = Depends(api_desk),
    when: Times = Depends(recorded_times),
) -> Response:
    reader = _stats_reader(desk, when, "explain")
    return answer(explain(reader.db, reader.config, year, reader.point.position, figure))


def _stats_reader(desk: Desk, when: Times, action: str) -> Reader:
    desk.services.check_views()
    return read(desk, when, action)


@router.get("/case-reviews", tags=["reads"], summary="ASB case reviews with their milestones.")
@reading
def case_reviews(
    desk: Desk = Depends(api_desk),
    when: Times = Depends(times),
    open: bool = Query(False, description="Only reviews not closed."),
) -> Response:
    return answer(reads.case_reviews_read(read(desk, when, "case-review list"), when.at, utcnow(), open_only=open))


@router.get("/case-reviews/{review}", tags=["reads"], summary="One case review.", responses=NOT_FOUND)
@reading
def case_review(
    review: str = Path(..., max_length=64), desk: Desk = Depends(api_desk), when: Times = Depends(times)
) -> Response:
    return answer(reads.case_review_read(read(desk, when, "case-review list"), review, when.at, utcnow()))


@router.get("/task-and-finish-groups", tags=["reads"], summary="Task and Finish groups.")
@reading
def groups(
    desk: Desk = Depends(api_desk),
    when: Times = Depends(times),
    open: bool = Query(False, description="Only groups not completed."),
) -> Response:
    return answer(reads.groups_read(read(desk, when, "tfg list"), when.at, utcnow(), open_only=open))


@router.get(
    "/task-and-finish-groups/{group}", tags=["reads"], summary="One Task and Finish group.", responses=NOT_FOUND
)
@reading
def group(
    group: str = Path(..., max_length=64), desk: Desk = Depends(api_desk), when: Times = Depends(times)
) -> Response:
    return answer(reads.group_read(read(desk, when, "tfg list"), group, when.at, utcnow()))


@router.get("/marac/meetings", tags=["reads"], summary="Community MARAC meetings held.")
@reading
def marac_meetings(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(reads.marac_meetings_read(read(desk, when, "marac agenda"), when.at, utcnow()))


@router.get("/marac/agenda", tags=["reads"], summary="The Community MARAC agenda.", responses=NOT_FOUND)
@reading
def marac_agenda(
    desk: Desk = Depends(api_desk),
    when: Times = Depends(times),
    meeting: str | None = Query(
        None, max_length=10, pattern=DATE_PATTERN, description="The meeting's date, YYYY-MM-DD."
    ),
) -> Response:
    day = None
    if meeting:
        try:
            day = parse_date(meeting, "meeting")
        except DomainError as exc:
            raise Problem(422, str(exc), field="meeting", rule="date") from None
    return answer(reads.marac_agenda_read(read(desk, when, "marac agenda"), day, when.at, utcnow()))


@router.get("/users", tags=["reads"], summary="The roster (`tasking users list --json`).")
@reading
def roster(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(users(read(desk, when, "users list")))


@router.get("/briefings/issued", tags=["reads"], summary="Briefing packs issued (`tasking briefing issued --json`).")
@reading
def issued(desk: Desk = Depends(api_desk), when: Times = Depends(times)) -> Response:
    return answer(briefings_issued(read(desk, when, "briefing issued")))


# --- writes ------------------------------------------------------------------------------------


add_write_routes(router)
