"""The year's Community Safety Strategy Action Plan, `tasking plan ...`: an action under one
priority (`PlanAdd` / `plan_add` / `tasking plan add`) and its progress (`PlanUpdate`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, present
from tasking.commands.loading import acting, load
from tasking.commands.registry import Result, handler
from tasking.commands.year.base import next_number
from tasking.domain.action_plan import PlanAction
from tasking.store.application import TaskingApp

Status = Literal["planned", "on-track", "achieved", "not-achieved", "dropped"]
Priority = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class PlanAdd(Command):
    """An action of the year's Community Safety Strategy Action Plan, under one priority."""

    year: int = Field(ge=1900, le=9998)
    priority: Priority
    action: Narrative
    lead: Code
    due: dt.date


class PlanUpdate(Command):
    # Said in the API's schema too: a dropped action gives its reason.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["status"], "properties": {"status": {"const": "dropped"}}},
            "then": present({"reason": "string"}),
        }
    )

    action: Ref
    status: Status
    reason: Narrative | None = None

    @model_validator(mode="after")
    def _dropped_has_reason(self) -> PlanUpdate:
        if self.status == "dropped" and not self.reason:
            raise ValueError("reason: a dropped action needs --reason")
        return self


@handler
def plan_add(app: TaskingApp, cmd: PlanAdd) -> Result:
    login, agency = acting(app, cmd)
    lead = app.config.check_agency(cmd.lead, "lead")
    sequence, number = next_number(app, f"plan/{cmd.year}", f"AP-{cmd.year}", 2)
    app.save(
        sequence,
        PlanAction(
            reference=number,
            year=cmd.year,
            priority=cmd.priority,
            action=cmd.action,
            lead=lead,
            due=cmd.due.isoformat(),
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"action": number, "status": "planned"}


@handler
def plan_update(app: TaskingApp, cmd: PlanUpdate) -> Result:
    login, agency = acting(app, cmd)
    action = load(app, PlanAction, cmd.action, "action", "plan action")
    action.update(login, agency, cmd.effective, cmd.status, cmd.reason)
    app.save(action)
    return {"action": action.reference, "status": action.status}
