"""`tasking funding ...`: grants, their allocation to projects and the spend against them."""

from __future__ import annotations


import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import json_option, read_options, write_options
from tasking.commands.year import FundingAllocate, FundingGrant, FundingSpend
from tasking.queries.year_reads import funding_table
from tasking.time.instants import utcnow


@click.group("funding")
def funding() -> None:
    """Grants received (PCC, KFRS, ...), allocated to projects by half-year; the table reconciles.

    \b
    Example:
      tasking funding grant --funder PCC --amount 31107 --year 2017
      tasking funding allocate GR-2017-01 --organisation "Kenward Trust" \\
        --project "Substance Misuse Youth Worker" --half first --amount 6000
      tasking funding list --year 2017
    """


@funding.command("grant")
@click.option("--funder", required=True, help="Who gave it, e.g. PCC or KFRS.")
@click.option("--amount", required=True, help="Pounds, e.g. 31107 or 6107.50.")
@click.option("--year", required=True, type=click.IntRange(1900, 9998), help="The financial year it funds.")
@click.option("--note", default=None, help="What it is for.")
@write_options
@click.pass_context
def grant(ctx: click.Context, funder, amount, year, note, user, at, as_json) -> None:
    """Record a grant received; prints its reference (GR-2017-01).

    \b
    Example:
      tasking funding grant --funder PCC --amount 31107 --year 2017 --at 2017-04-03T10:00
    """
    run(
        ctx,
        FundingGrant,
        as_json=as_json,
        text=lambda r: f"Received {r['grant']}",
        user=user,
        at=at,
        funder=funder,
        amount=amount,
        year=year,
        note=note,
    )


@funding.command("allocate")
@click.argument("grant")
@click.option("--organisation", required=True, help="The organisation that runs the project.")
@click.option("--project", required=True, help="The project's name.")
@click.option("--half", required=True, type=click.Choice(["first", "second"]), help="Which half of the year.")
@click.option("--amount", required=True, help="Pounds; refused beyond what is left of the grant.")
@write_options
@click.pass_context
def allocate(ctx: click.Context, grant, organisation, project, half, amount, user, at, as_json) -> None:
    """Allocate part of a grant to a project for a half-year; prints the allocation (F1, F2, ...).

    \b
    Example:
      tasking funding allocate GR-2017-01 --organisation DAVSS --project "Medium Risk DA Victims" \\
        --half second --amount 3057
    """
    run(
        ctx,
        FundingAllocate,
        as_json=as_json,
        text=lambda r: f"Allocated {r['grant']} {r['allocation']}",
        user=user,
        at=at,
        grant=grant,
        organisation=organisation,
        project=project,
        half=half,
        amount=amount,
    )


@funding.command("spend")
@click.argument("grant")
@click.argument("allocation")
@click.option("--amount", required=True, help="Pounds; refused beyond the allocation.")
@click.option("--note", default=None, help="What it was spent on.")
@write_options
@click.pass_context
def spend(ctx: click.Context, grant, allocation, amount, note, user, at, as_json) -> None:
    """Record spend against an allocation.

    \b
    Example:
      tasking funding spend GR-2017-01 F5 --amount 450 --note "Shed alarms"
    """
    run(
        ctx,
        FundingSpend,
        as_json=as_json,
        text=lambda r: f"Spent from {r['grant']} {r['allocation']}",
        user=user,
        at=at,
        grant=grant,
        allocation=allocation,
        amount=amount,
        note=note,
    )


@funding.command("list")
@click.option("--year", required=True, type=click.IntRange(1900, 9998), help="The financial year.")
@read_options
@json_option
@click.pass_context
def list_funding(ctx: click.Context, year, at, as_of, position, as_json) -> None:
    """The year's funding table: each project's full year, first and second half, and spend.

    \b
    Example:
      tasking funding list --year 2017 --json
    """
    read = reader(ctx, at, as_of, position, "funding list")
    result = funding_table(read, read.point.until(at or utcnow()), year)
    if as_json:
        emit_read(result)
        return
    table = Table(
        title=f"Funding {year} (received £{result['received']}, allocated £{result['allocated']})", title_justify="left"
    )
    for column in ("funder", "organisation", "project", "full year", "first half", "second half", "spent"):
        table.add_column(
            column, justify="right" if column in ("full year", "first half", "second half", "spent") else "left"
        )
    for p in result["projects"]:
        table.add_row(
            p["funder"], p["organisation"], p["project"], p["full_year"], p["first_half"], p["second_half"], p["spent"]
        )
    console().print(table)
