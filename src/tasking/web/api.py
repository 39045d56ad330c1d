"""The JSON API under /api/v1: the CLI's commands and reads, through the same layers.

- A write is `POST /api/v1/commands/<name>` (`record-follow-up` for `RecordFollowUp`): its body is
  the command's pydantic model without `user` (the token's user acts) and with `at` optional
  (default now). It goes through `tasking.commands.bus.send`, as `tasking follow-up` does.
  A `Request-Id` header makes it safe to retry, as `--request-id` does.
- A read takes `at` (effective time), `as_of` or `position` (recorded time), as the CLI does, and
  answers with the same JSON bytes as the command's `--json`.
"""

# No `from __future__ import annotations`: the write routes' body types are made at import time.

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from tasking.bootstrap import Services
from tasking.commands import (
    COMMAND_HANDLERS,
    Command,
    EnrolUser,
    InitStore,
    IssueBriefing,
    IssueToken,
    RedeemEnrolment,
    SealChain,
    send,
)
from tasking.commands.handlers import check_real_meeting
from tasking.commands.bus import check_times
from tasking.commands.data import ImportReport, RecordPoliceMonth
from tasking.commands.privacy import ApplyRetention
from tasking.errors import DomainError, NotFound
from tasking.domain.permissions import Forbidden
from tasking.queries import reads
from tasking.queries.audit import audit, show
from tasking.queries.cases import list_cases
from tasking.queries.point import Reader
from tasking.queries.roster import briefings_issued, users
from tasking.queries.stats import explain, year_stats
from tasking.reporting.render import json_text
from tasking.time.instants import DATE_PATTERN, ISO_PATTERN, parse_date, parse_datetime, utcnow
from tasking.web.auth import Principal, authenticate
from tasking.web.limits import PRINCIPAL
from tasking.web.problems import Problem, openapi_responses

bearer = HTTPBearer(
    auto_error=False, description="A token of your own from `tasking users token` (or `tasking users redeem CODE`)."
)
router = APIRouter(prefix="/api/v1", responses=openapi_responses(401, 403, 404, 422, 429, 503))
NOT_FOUND = openapi_responses(404)
WRITE_ERRORS = openapi_responses(400, 404, 409, 413)


@dataclass
class Desk:
    """One request's borrowed services and the token's user."""

    services: Services
    user: Principal


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def api_desk(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> Iterator[Desk]:
    with request.app.state.pool.borrow() as services:
        user = getattr(request.state, PRINCIPAL, None)  # checked before the body was read (`web.limits`)
        if user is None:
            user = authenticate(
                services.app,
                credentials.credentials if credentials else None,
                client_of(request),
                request.app.state.attempts,
                via="api",
            )
        yield Desk(services, user)


# --- the two kinds of time ---------------------------------------------------------------------


@dataclass(frozen=True)
class Times:
    at: dt.datetime | None
    as_of: dt.datetime | None
    position: int | None


def _moment(text: str | None, field: str) -> dt.datetime | None:
    if text is None or text == "":
        return None
    try:
        return parse_datetime(text, field)
    except DomainError as exc:
        raise Problem(422, str(exc), field=exc.field, rule="datetime") from None


AS_OF = Query(
    None, max_length=64, pattern=ISO_PATTERN, description="Recorded time: what had been recorded by then (as `at`)."
)
POSITION = Query(
    None,
    ge=0,
    le=2**62,
    description="Recorded time, exactly: events up to this position (every answer gives its `position`).",
)


def times(
    at: str | None = Query(
        None,
        max_length=64,
        pattern=ISO_PATTERN,
        description="Effective time: the world as it stood then (ISO date or date-time, "
        "years 1800-9998; no zone means Europe/London). Default now.",
    ),
    as_of: str | None = AS_OF,
    position: int | None = POSITION,
) -> Times:
    found = Times(_moment(at, "at"), _moment(as_of, "as-of"), position)
    if found.as_of is not None and found.position is not None:
        raise Problem(422, "as-of: give either as_of or position, not both", field="as-of", rule="exclusive")
    return found


def recorded_times(request: Request, as_of: str | None = AS_OF, position: int | None = POSITION) -> Times:
    """Recorded time only: the stats count the whole financial year, so they take no `at` (refused)."""
    if "at" in request.query_params:
        raise Problem(
            422, "at: stats counts the whole financial year; use as_of or position", field="at", rule="not-for-stats"
        )
    return times(None, as_of, position)


def read(desk: Desk, when: Times, action: str, at: bool = True, case: str | None = None) -> Reader:
    """As `tasking.cli.context.reader`: the token's user must be allowed `action` (the CLI command's
    name); then the views catch up and the point this read answers at is fixed."""
    return open_reader(
        desk.services,
        desk.user.login,
        action,
        at=when.at if at else None,
        as_of=when.as_of,
        position=when.position,
        case=case,
    )


def open_reader(services: Services, login: str, action: str, **point: Any) -> Reader:
    """`Services.read` for this user and action, where the read layer checks permissions (issue 12)."""
    return services.read(**point, user=login, action=action)


def answer(result: Any) -> Response:
    """The same bytes as the CLI's `--json` for the same store and point."""
    return Response(json_text(result), media_type="application/json")


def reading(endpoint: Any) -> Any:
    """A read has no rule to break: a query's refusal names input it cannot answer for (422), or a
    reference the point does not hold (404); a permission refused is 403, as for a write."""

    @functools.wraps(endpoint)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            if exc.field in ("store", "views"):
                raise
            status = 404 if exc.field in ("case", "review", "group", "meeting") and "recorded" in exc.rule else 422
            raise Problem(status, str(exc), field=exc.field, rule=exc.rule) from None

    return wrapped


# --- reads -------------------------------------------------------------------------------------


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

# From the CLI only: a store is created and a token first issued there; enrolment codes are issued
# and redeemed there; the file imports, whose rows the CLI's parsers build and check (`tasking
# import`, `tasking context import-police-uk`); retention, whose targets only the retention rule
# selects (`tasking retention run`, the scheduler): no request body names what to destroy; and
# sealing the hash chain, an operator's decision made at the store (`tasking seal-chain`).
NOT_OVER_HTTP = {
    InitStore,
    IssueToken,
    EnrolUser,
    RedeemEnrolment,
    ImportReport,
    RecordPoliceMonth,
    ApplyRetention,
    SealChain,
}
# Made by the server, not sent: a pack is computed from the store (`issue_briefing` below).
SERVER_MADE = {IssueBriefing}


def path_name(command_class: type[Command]) -> str:
    """`RecordFollowUp` -> `record-follow-up`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", command_class.__name__).lower()


def body_model(command_class: type[Command]) -> type[BaseModel]:
    """The command's own model, less `user` (the token's user acts), with `at` optional (default now)."""
    fields: dict[str, Any] = {}
    for name, info in command_class.model_fields.items():
        if name == "user":
            continue
        if name == "at":
            fields[name] = (
                AwareDatetime | None,
                Field(
                    None,
                    description="Effective time (default now); with a zone; from the partnership's `earliest_date` to one day after now (a 422 names the rule otherwise).",
                ),
            )
        else:
            fields[name] = (info.annotation, info)
    config = ConfigDict(extra="forbid", json_schema_extra=command_class.model_config.get("json_schema_extra"))
    return create_model(command_class.__name__, __config__=config, __doc__=command_class.__doc__, **fields)


def send_command(desk: Desk, command_class: type[Command], body: BaseModel, request_id: str | None) -> dict[str, Any]:
    """Build the command as the CLI does (the token's user acting), then send it through the bus."""
    now = utcnow()
    fields = {name: getattr(body, name) for name in type(body).model_fields if name != "at"}
    at = getattr(body, "at", None)
    command = command_class(user=desk.user.login, at=at or now, **fields)
    try:
        check_times(desk.services.app, command, now)  # out of range is invalid input (422), not a rule (409)
    except DomainError as exc:
        raise Problem(422, str(exc), field=exc.field, rule="effective-time") from None
    return send(desk.services.app, command, request_id=request_id, at_given=at is not None)


def _write_route(command_class: type[Command]) -> None:
    body_type = body_model(command_class)

    def endpoint(
        body: body_type,
        desk: Desk = Depends(api_desk),  # type: ignore[valid-type]
        request_id: str | None = Header(
            None,
            alias="Request-Id",
            min_length=1,
            max_length=200,
            pattern=r"^\S+$",
            description="Makes the write safe to retry (`--request-id`).",
        ),
    ) -> dict[str, Any]:
        return send_command(desk, command_class, body, request_id)

    endpoint.__name__ = command_class.__name__
    doc = (command_class.__doc__ or "").strip().splitlines()
    router.add_api_route(
        f"/commands/{path_name(command_class)}",
        endpoint,
        methods=["POST"],
        tags=["commands"],
        summary=doc[0] if doc else command_class.__name__,
        responses=WRITE_ERRORS,
        operation_id=command_class.__name__,
    )


class MeetingBody(BaseModel):
    """Which meeting's pack to issue; the server computes the pack (as `tasking briefing issue`)."""

    model_config = ConfigDict(extra="forbid")
    meeting: AwareDatetime = Field(
        ...,
        description="The meeting, with its zone: a working day at the meeting "
        "time, e.g. 2018-03-05T09:00:00+00:00; its pack time must have come.",
    )


@router.post(
    "/commands/issue-briefing",
    tags=["commands"],
    responses=WRITE_ERRORS,
    operation_id="IssueBriefing",
    summary="Issue the briefing pack for a meeting: the server makes and records it, once.",
)
def issue_briefing(body: MeetingBody, request: Request, desk: Desk = Depends(api_desk)) -> dict[str, Any]:
    """As `tasking briefing issue`: the pack is written under the server's packs folder (`TASKING_PACKS`)."""
    from tasking.reporting.packs import issue_pack

    now = utcnow()
    try:
        check_real_meeting(desk.services.app.config, body.meeting, now)
    except DomainError as exc:
        raise Problem(422, str(exc), field=exc.field, rule="meeting") from None
    return issue_pack(desk.services, body.meeting, request.app.state.packs, desk.user.login, now)


WRITES = [
    command_class
    for command_class in COMMAND_HANDLERS
    if command_class not in NOT_OVER_HTTP and command_class not in SERVER_MADE
]
for _command_class in WRITES:
    _write_route(_command_class)
