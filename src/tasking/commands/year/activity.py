"""Partnership activities and PACT panels: `PactAdd` / `pact_add` / `tasking pact add` and
`ActivityRecord` / `activity_record` / `tasking activity record` (nights of action, EVAs, ...)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, Text, absent_or_null, present
from tasking.commands.loading import acting, load
from tasking.commands.registry import Result, handler
from tasking.commands.year.base import next_number
from tasking.domain.access import AccessRefusal
from tasking.domain.partnership_activity import PactPanel, PartnershipActivity
from tasking.domain.permissions import OWN, Forbidden
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.time.instants import financial_year_of, local_date, utcnow

ActivityKind = Literal["night-of-action", "eva", "community-event", "pact-meeting", "training", "operation", "campaign"]


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


def panel_reference(name: str) -> str:
    """`New Ash Green` -> `PACT-NEW-ASH-GREEN`; a reference given is itself."""
    slug = re.sub(r"[^A-Z0-9]+", "-", name.strip().upper()).strip("-")
    return slug if slug.startswith("PACT-") else f"PACT-{slug}"


@handler
def pact_add(app: TaskingApp, cmd: PactAdd) -> Result:
    login, agency = acting(app, cmd)
    area = app.config.check_area(cmd.area)
    reference = panel_reference(cmd.name)
    if PactPanel.create_id(reference) in app.repository:
        raise DomainError("name", f"a PACT panel {cmd.name!r} is already set up ({reference})")
    app.save(PactPanel(reference=reference, name=cmd.name, area=area, user=login, agency=agency, at=cmd.effective))
    return {"panel": reference}


def _check_led(app: TaskingApp, cmd: ActivityRecord, lead: str) -> None:
    """Officers record only the activities their own agency led (the `own` scope of `activity`)."""
    actor = app.actor(cmd.user)
    if app.authorize(actor, "activity") == OWN and lead != actor.agency:
        rule = f"an officer records only activities their agency led ({actor.agency}), not {lead}'s"
        app.write(
            AccessRefusal(
                action="activity",
                case=None,
                role=actor.role,
                rule=rule,
                user=actor.login,
                agency=actor.agency,
                at=utcnow(),
            )
        )
        raise Forbidden(actor.role, "activity", rule)


@handler
def activity_record(app: TaskingApp, cmd: ActivityRecord) -> Result:
    login, agency = acting(app, cmd)
    lead = app.config.check_agency(cmd.lead, "lead")
    _check_led(app, cmd, lead)
    areas = list(dict.fromkeys(app.config.check_area(area, "area") for area in cmd.areas))
    partners = list(dict.fromkeys(app.config.check_agency(code, "partner") for code in cmd.partners))
    cases = [app.get_case(case, "case").reference for case in dict.fromkeys(cmd.cases)]
    groups = [
        load(app, TaskAndFinishGroup, group, "group", "Task and Finish group").reference
        for group in dict.fromkeys(cmd.groups)
    ]
    panel = None
    if cmd.panel is not None:
        panel = load(app, PactPanel, panel_reference(cmd.panel), "panel", "PACT panel").reference
    year = financial_year_of(cmd.effective)
    sequence, number = next_number(app, f"activities/{year}", f"ACT-{year}", 3)
    app.save(
        sequence,
        PartnershipActivity(
            reference=number,
            kind=cmd.kind,
            day=local_date(cmd.effective).isoformat(),
            areas=areas,
            lead=lead,
            partners=partners,
            attendance=cmd.attendance,
            outcome=cmd.outcome,
            cases=cases,
            flags=list(cmd.flags),
            groups=groups,
            panel=panel,
            actions=list(cmd.actions),
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"activity": number, "kind": cmd.kind}
