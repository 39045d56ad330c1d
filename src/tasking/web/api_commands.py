"""The JSON API's writes: `POST /api/v1/commands/<name>` for every command sent over HTTP (its body
the command's model less `user`), and `POST /api/v1/commands/issue-briefing`.
"""

# No `from __future__ import annotations`: the write routes' body types are made at import time.

import re
from typing import Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

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
from tasking.commands.bus import check_times
from tasking.commands.data import ImportReport, RecordPoliceMonth
from tasking.commands.handlers import check_real_meeting
from tasking.commands.privacy import ApplyRetention
from tasking.errors import DomainError
from tasking.time.instants import utcnow
from tasking.web.api_desk import Desk, api_desk
from tasking.web.problems import Problem, openapi_responses

WRITE_ERRORS = openapi_responses(400, 404, 409, 413)
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


def _write_route(router: APIRouter, command_class: type[Command]) -> None:
    body_type = body_model(command_class)

    def endpoint(
        body: body_type,  # type: ignore[valid-type]  # a model made at run time, one per command
        desk: Desk = Depends(api_desk),
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


def add_write_routes(router: APIRouter) -> None:
    """`POST /commands/issue-briefing`, then `POST /commands/<name>` for each command sent over HTTP."""
    router.add_api_route(
        "/commands/issue-briefing",
        issue_briefing,
        methods=["POST"],
        tags=["commands"],
        responses=WRITE_ERRORS,
        operation_id="IssueBriefing",
        summary="Issue the briefing pack for a meeting: the server makes and records it, once.",
    )
    for command_class in WRITES:
        _write_route(router, command_class)
