"""`tasking plan ...`: the Community Safety Strategy Action Plan."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATE, json_option, read_options, write_options
from tasking.commands.year import PlanAdd, PlanUpdate
from tasking.domain.action_plan import STATUSES
from tasking.queries.year_reads import plan_action, plan_actions
from tasking.time.instants import utcnow


@click.group("plan")
def plan() -> None:
    """The year's Community Safety Strategy Action Plan: priorities, actions and their status.

    \b
    Example:
      tasking plan add --year 2018 --priority domestic-abuse --action "Run two Freedom programmes" \\
        --lead DAVSS --due 2019-03-31
      tasking plan update AP-2018-01 --status achieved
    """


@plan.command("add")
@click.option(
    "--year", required=True, type=click.IntRange(1900, 9998), help="The plan's financial year: 2017 is 2017/18."
)
@click.option("--priority", required=True, help="The priority, kebab-case: domestic-abuse, organised-crime-groups, ...")
@click.option("--action", required=True, help="What the partnership will do.")
@click.option("--lead", required=True, metavar="CODE", help="The lead agency.")
@click.option("--due", required=True, type=DATE, help="Due date, YYYY-MM-DD.")
@write_options
@click.pass_context
def add(ctx: click.Context, year, priority, action, lead, due, user, at, as_json) -> None:
    """Add an action to a year's plan; prints its reference (AP-2017-01), status `planned`.

    \b
    Example:
      tasking plan add --year 2017 --priority substance-misuse --action "Kenward Trust detached youth work" \\
        --lead KENWARD --due 2018-03-31 --at 2017-04-03T10:00
    """
    run(
        ctx,
        PlanAdd,
        as_json=as_json,
        text=lambda r: f"Added {r['action']} ({r['status']})",
        user=user,
        at=at,
        year=year,
        priority=priority,
        action=action,
        lead=lead,
        due=due,
    )


@plan.command("update")
@click.argument("action")
@click.option("--status", required=True, type=click.Choice(STATUSES), help="The action's new status.")
@click.option("--reason", default=None, help="Why: required for `dropped`.")
@write_options
@click.pass_context
def update(ctx: click.Context, action, status, reason, user, at, as_json) -> None:
    """Change an action's status: planned, on-track, achieved, not-achieved or dropped (with --reason).

    \b
    Example:
      tasking plan update AP-2017-01 --status achieved --at 2018-03-20T10:00
      tasking plan update AP-2017-02 --status dropped --reason "Funding withdrawn"
    """
    run(
        ctx,
        PlanUpdate,
        as_json=as_json,
        text=lambda r: f"{r['action']} is {r['status']}",
        user=user,
        at=at,
        action=action,
        status=status,
        reason=reason,
    )


@plan.command("list")
@click.option("--year", type=click.IntRange(1900, 9998), default=None, help="Only this year's plan.")
@read_options
@json_option
@click.pass_context
def list_actions(ctx: click.Context, year, at, as_of, position, as_json) -> None:
    """The plan's actions and their status as at --at (default now).

    \b
    Example:
      tasking plan list --year 2017 --json
    """
    read = reader(ctx, at, as_of, position, "plan list")
    result = plan_actions(read, read.point.until(at or utcnow()), year)
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Action plan (position {result['position']})", title_justify="left")
    for column in ("action", "year", "priority", "lead", "due", "status", "text"):
        table.add_column(column, no_wrap=column == "action")
    for a in result["actions"]:
        table.add_row(a["action"], str(a["year"]), a["priority"], a["lead"], a["due"], a["status"], a["text"])
    console().print(table)


@plan.command("show")
@click.argument("action")
@read_options
@json_option
@click.pass_context
def show(ctx: click.Context, action, at, as_of, position, as_json) -> None:
    """One action: its priority, lead, due date, status and the history of its status.

    \b
    Example:
      tasking plan show AP-2017-01 --json
    """
    read = reader(ctx, at, as_of, position, "plan list")
    found = plan_action(read, read.point.until(at or utcnow()), action)
    if as_json:
        emit_read(found)
        return
    lines = [
        f"{found['action']} ({found['status']}): {found['text']}",
        f"  {found['year']} plan, priority {found['priority']}, lead {found['lead']}, due {found['due']}",
    ]
    lines += [f"  {h['at']} {h['status']}" + (f": {h['reason']}" if h["reason"] else "") for h in found["history"]]
    click.echo("\n".join(lines))
