"""What is done on an open case: `RecordFollowUp` (`tasking follow-up`), `UpdateReporter`
(`tasking update-reporter`), `UsePower` (`tasking power`), `Refer` (`tasking refer`), `AssessRisk`
(`tasking risk`) and `CorrectCase` (`tasking correct`)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, model_validator

from tasking.commands.base import Narrative
from tasking.commands.case.base import CaseCommand, on_case
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.resident_email import queue_resident_email
from tasking.domain.vocabulary import CorrectableField, FollowUpKind, Power, ReferralTarget, Risk, UpdateChannel
from tasking.store.application import TaskingApp
from tasking.time.instants import iso, parse_datetime


class RecordFollowUp(CaseCommand):
    kind: FollowUpKind
    outcome: Narrative


class UpdateReporter(CaseCommand):
    channel: UpdateChannel
    note: Narrative
    public_note: Narrative | None = None  # shared through Open311's servicerequestupdates (issue 23)
    send: bool = False  # with channel `email`: queue the note to the reporter's address through the outbox

    # Said in the API's schema too: only an email update can be sent.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["send"], "properties": {"send": {"const": True}}},
            "then": {"required": ["channel"], "properties": {"channel": {"const": "email"}}},
        }
    )

    @model_validator(mode="after")
    def _send_by_email(self) -> UpdateReporter:
        if self.send and self.channel != "email":
            raise ValueError("send: only an update by --channel email can be sent")
        return self


class UsePower(CaseCommand):
    power: Power


class Refer(CaseCommand):
    to: ReferralTarget


class AssessRisk(CaseCommand):
    level: Risk
    reason: Narrative


class CorrectCase(CaseCommand):
    field: CorrectableField
    value: Narrative
    reason: Narrative


@handler
def record_follow_up(app: TaskingApp, cmd: RecordFollowUp) -> Result:
    return on_case(app, cmd, lambda case, *who: case.follow_up(*who, cmd.kind, cmd.outcome))


@handler
def update_reporter(app: TaskingApp, cmd: UpdateReporter) -> Result:
    """The update; with `public_note`, the words shared through Open311; with `send`, the note
    queued to the reporter by email (`tasking.notify`), all in one save."""
    login, agency = acting(app, cmd)
    case = app.get_case(cmd.case)
    case.update_reporter(login, agency, cmd.effective, cmd.channel, cmd.note)
    if cmd.public_note:
        case.share_public_note(login, agency, cmd.effective, cmd.public_note)
    saved: list[Any] = [case]
    if cmd.send:
        saved.append(queue_resident_email(case, cmd.note, login, agency, cmd.effective))
    app.save(*saved)
    return {"case": case.reference, **({"queued": saved[1].key} if cmd.send else {})}


@handler
def use_power(app: TaskingApp, cmd: UsePower) -> Result:
    return on_case(app, cmd, lambda case, *who: case.use_power(*who, cmd.power))


@handler
def refer(app: TaskingApp, cmd: Refer) -> Result:
    return on_case(app, cmd, lambda case, *who: case.refer(*who, cmd.to))


@handler
def assess_risk(app: TaskingApp, cmd: AssessRisk) -> Result:
    return on_case(app, cmd, lambda case, *who: case.assess_risk(*who, cmd.level, cmd.reason))


@handler
def correct_case(app: TaskingApp, cmd: CorrectCase) -> Result:
    config, value = app.config, cmd.value
    if cmd.field == "category":
        value = config.check_category(value, "value")
    elif cmd.field == "area":
        value = config.check_area(value, "value")
    elif cmd.field == "source":
        value = config.check_agency(value, "value")
    elif cmd.field == "occurred":
        value = iso(parse_datetime(value, "value"))
    return on_case(app, cmd, lambda case, *who: case.correct(*who, cmd.field, value, cmd.reason))
