"""Commands on the partnership's year (issue 26): the action plan, activities and PACT panels,
funding and mobile CCTV. One frozen record per intention; names follow the CLI (`plan add` is
`PlanAdd`, handled by `plan_add`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, WithJsonSchema, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, Text, absent_or_null, present

Status = Literal["planned", "on-track", "achieved", "not-achieved", "dropped"]
ActivityKind = Literal["night-of-action", "eva", "community-event", "pact-meeting", "training", "operation", "campaign"]
Half = Literal["first", "second"]
# Pence exactly: the schema gives money as text (pounds and at most two decimals, 12 digits in all),
# or a whole number of pounds, since a JSON float cannot hold 0.10 exactly.
Pounds = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(?=.*[1-9])\d{1,10}(?:\.\d{1,2})?$"},
                {"type": "integer", "minimum": 1, "maximum": 9_999_999_999},
            ]
        }
    ),
]
Priority = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


# --- the action plan -------------------------------------------------------------------------


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


# --- activities and PACT panels -------------------------------------------------------------


class PactAdd(Command):
    """A named PACT panel in an area; `at` is when it was set up."""

    name: Text
    area: Text


class ActivityRecord(Command):
    """A partnership activity; `at` is when it took place."""

    kind: ActivityKind
    areas: tuple[Text, ...] = Field(min_length=1)
    lead: Code
    partners: tuple[Code, ...] = ()
    attendance: int | None = Field(default=None, ge=0)
    outcome: Narrative
    cases: tuple[Ref, ...] = ()
    flags: tuple[Ref, ...] = ()
    groups: tuple[Ref, ...] = ()
    panel: Text | None = None
    actions: tuple[Narrative, ...] = ()

    # Said in the API's schema too: a PACT meeting names its panel, and only a PACT meeting does.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["kind"], "properties": {"kind": {"const": "pact-meeting"}}},
            "then": present({"panel": "string"}),
            "else": absent_or_null("panel"),
        }
    )

    @model_validator(mode="after")
    def _panel_for_pact(self) -> ActivityRecord:
        if (self.kind == "pact-meeting") != (self.panel is not None):
            raise ValueError("panel: a pact-meeting names its --panel, and only a pact-meeting does")
        return self


# --- funding ------------------------------------------------------------------------------------


class FundingGrant(Command):
    """A grant received: funder, amount (pounds) and the financial year it funds."""

    funder: Text
    amount: Pounds
    year: int = Field(ge=1900, le=9998)
    note: Narrative | None = None


class FundingAllocate(Command):
    grant: Ref
    organisation: Text
    project: Text
    half: Half
    amount: Pounds


class FundingSpend(Command):
    grant: Ref
    allocation: Ref
    amount: Pounds
    note: Narrative | None = None


# --- mobile CCTV ----------------------------------------------------------------------------------


class CctvAdd(Command):
    description: Narrative


class CctvDeploy(Command):
    # Said in the API's schema too: exactly one reason (a flag, a case or a group). That `end` is not
    # before `start` no JSON Schema can say; the 422 names it.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    **present({reason: "string"}),
                    "properties": {reason: {"type": "string"}, **absent_or_null(*others)["properties"]},
                }
                for reason, others in (
                    ("flag", ("case", "group")),
                    ("case", ("flag", "group")),
                    ("group", ("flag", "case")),
                )
            ]
        }
    )

    camera: Ref
    location: Text
    area: Text
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    start: dt.date
    end: dt.date
    flag: Ref | None = None
    case: Ref | None = None
    group: Ref | None = None

    @model_validator(mode="after")
    def _one_reason(self) -> CctvDeploy:
        if sum(value is not None for value in (self.flag, self.case, self.group)) != 1:
            raise ValueError("reason: give one of --flag, --case or --group")
        if self.end < self.start:
            raise ValueError(f"to: {self.end.isoformat()} is before --from {self.start.isoformat()}")
        return self


class CctvLink(Command):
    """A case a deployment led to."""

    camera: Ref
    deployment: Ref
    case: Ref
