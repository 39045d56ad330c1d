"""Funding, `tasking funding ...`: grants received (`FundingGrant`), allocated to organisations'
projects (`FundingAllocate`) and spent (`FundingSpend`), in pence exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from tasking.commands.base import Command, Narrative, Ref, Text
from tasking.commands.loading import acting, load
from tasking.commands.registry import Result, handler
from tasking.commands.year.base import next_number, pence
from tasking.domain.funding import Grant
from tasking.store.application import TaskingApp

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


@handler
def funding_grant(app: TaskingApp, cmd: FundingGrant) -> Result:
    login, agency = acting(app, cmd)
    sequence, number = next_number(app, f"grants/{cmd.year}", f"GR-{cmd.year}", 2)
    app.save(
        sequence,
        Grant(
            reference=number,
            funder=cmd.funder,
            amount=pence(cmd.amount),
            year=cmd.year,
            note=cmd.note,
            user=login,
            agency=agency,
            at=cmd.effective,
        ),
    )
    return {"grant": number}


@handler
def funding_allocate(app: TaskingApp, cmd: FundingAllocate) -> Result:
    login, agency = acting(app, cmd)
    grant = load(app, Grant, cmd.grant, "grant", "grant")
    number = grant.allocate(login, agency, cmd.effective, cmd.organisation, cmd.project, cmd.half, pence(cmd.amount))
    app.save(grant)
    return {"grant": grant.reference, "allocation": number}


@handler
def funding_spend(app: TaskingApp, cmd: FundingSpend) -> Result:
    login, agency = acting(app, cmd)
    grant = load(app, Grant, cmd.grant, "grant", "grant")
    grant.spend(login, agency, cmd.effective, cmd.allocation, pence(cmd.amount), cmd.note)
    app.save(grant)
    return {"grant": grant.reference, "allocation": cmd.allocation}
