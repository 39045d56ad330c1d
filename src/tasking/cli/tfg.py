"""`tasking tfg ...`: Task and Finish groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATE, json_option, read_options, write_options
from tasking.commands.escalation import TfgAction, TfgAddCase, TfgComplete, TfgCompleteAction, TfgMeet, TfgOpen
from tasking.queries.reads import group_read, groups_read
from tasking.time.instants import utcnow
from tasking.reporting.text import local_stamps, local_text


@click.group("tfg")
def tfg() -> None:
    """Task and Finish groups: intensive partnership work on an area or on vulnerable people.

    \b
    Example:
      tasking tfg open --focus "Azalea Shops youth nuisance" --area Swanley --case CSU-2017-00001 \\
        --reason "Repeat reports at the daily meeting" --json
      tasking tfg list --open
    """


def _group_text(verb: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{verb} {r['group']}" + (f" {r['action']}" if r.get("action") else "")


@tfg.command("open")
@click.option("--focus", required=True, help="What the group works on: an area, a problem, vulnerable people.")
@click.option("--area", required=True, help="Town or parish.")
@click.option("--case", "cases", multiple=True, metavar="CASE", help="A case the group takes on (repeatable).")
@click.option("--reason", required=True, help="Why the group is set up.")
@write_options
@click.pass_context
def open_group(ctx: click.Context, focus, area, cases, reason, user, at, as_json) -> None:
    """Open a Task and Finish group; prints its reference (TFG-2017-01).

    \b
    Example:
      tasking tfg open --focus "Azalea Shops youth nuisance" --area Swanley --case CSU-2017-00001 \\
        --reason "Repeat reports at the daily meeting" --at 2018-03-05T11:00 --json
    """
    run(
        ctx,
        TfgOpen,
        as_json=as_json,
        text=_group_text("Opened"),
        user=user,
        at=at,
        focus=focus,
        area=area,
        cases=cases,
        reason=reason,
    )


@tfg.command("add-case")
@click.argument("group")
@click.argument("case")
@write_options
@click.pass_context
def add_case(ctx: click.Context, group, case, user, at, as_json) -> None:
    """Add a case to a group.

    \b
    Example:
      tasking tfg add-case TFG-2017-01 CSU-2017-00002
    """
    run(
        ctx,
        TfgAddCase,
        as_json=as_json,
        text=lambda r: f"Added {r['case']} to {r['group']}",
        user=user,
        at=at,
        group=group,
        case=case,
    )


@tfg.command("action")
@click.argument("group")
@click.option("--agency", required=True, metavar="CODE", help="The agency that owns the action.")
@click.option("--action", required=True, help="What is to be done.")
@click.option("--due", required=True, type=DATE, help="Due date, YYYY-MM-DD.")
@write_options
@click.pass_context
def action(ctx: click.Context, group, agency, action, due, user, at, as_json) -> None:
    """Raise an action of the group: a tasking owned by the group (A1, A2, ...).

    \b
    Example:
      tasking tfg action TFG-2017-01 --agency WARDENS --action "Weekly evening patrols" --due 2018-04-01
    """
    run(
        ctx,
        TfgAction,
        as_json=as_json,
        text=_group_text("Action raised:"),
        user=user,
        at=at,
        group=group,
        agency=agency,
        action=action,
        due=due,
    )


@tfg.command("complete-action")
@click.argument("group")
@click.argument("action")
@click.option("--result", required=True, help="What was done.")
@write_options
@click.pass_context
def complete_action(ctx: click.Context, group, action, result, user, at, as_json) -> None:
    """Complete an action of the group.

    \b
    Example:
      tasking tfg complete-action TFG-2017-01 A1 --result "Six patrols; group dispersed"
    """
    run(
        ctx,
        TfgCompleteAction,
        as_json=as_json,
        text=_group_text("Completed"),
        user=user,
        at=at,
        group=group,
        action=action,
        result=result,
    )


@tfg.command("meet")
@click.argument("group")
@click.option("--note", required=True, help="What the meeting agreed: no personal details.")
@write_options
@click.pass_context
def meet(ctx: click.Context, group, note, user, at, as_json) -> None:
    """Record a meeting of the group; --at is when it met.

    \b
    Example:
      tasking tfg meet TFG-2017-01 --at 2018-03-12T14:00 --note "Patrol plan agreed"
    """
    run(ctx, TfgMeet, as_json=as_json, text=_group_text("Meeting recorded:"), user=user, at=at, group=group, note=note)


@tfg.command("complete")
@click.argument("group")
@click.option("--outcome", required=True, help="What the group achieved.")
@write_options
@click.pass_context
def complete(ctx: click.Context, group, outcome, user, at, as_json) -> None:
    """Complete the group with its outcome.

    \b
    Example:
      tasking tfg complete TFG-2017-01 --outcome "Reports down from 12 to 2 a month" --at 2018-05-01T10:00
    """
    run(
        ctx, TfgComplete, as_json=as_json, text=_group_text("Completed"), user=user, at=at, group=group, outcome=outcome
    )


@tfg.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only groups not completed.")
@read_options
@json_option
@click.pass_context
def list_groups(ctx: click.Context, open_only, at, as_of, position, as_json) -> None:
    """Task and Finish groups as at --at (default now).

    \b
    Example:
      tasking tfg list --open --json
    """
    result = groups_read(reader(ctx, at, as_of, position, "tfg list"), at, utcnow(), open_only=open_only)
    items = result["groups"]
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Task and Finish groups (position {result['position']})", title_justify="left")
    for column in ("group", "area", "focus", "opened", "cases", "actions open", "meetings", "status"):
        table.add_column(column, no_wrap=column == "group")
    for g in items:
        table.add_row(
            g["group"],
            g["area"],
            g["focus"],
            local_text(g["opened_at"]),
            str(len(g["cases"])),
            str(sum(a["status"] == "open" for a in g["actions"])),
            str(len(g["meetings"])),
            g["status"],
        )
    console().print(table)


@tfg.command("show")
@click.argument("group")
@read_options
@json_option
@click.pass_context
def show(ctx: click.Context, group, at, as_of, position, as_json) -> None:
    """One group: its focus, cases, actions, meetings and outcome.

    \b
    Example:
      tasking tfg show TFG-2017-01 --json
    """
    found = group_read(reader(ctx, at, as_of, position, "tfg list"), group, at, utcnow())
    if as_json:
        emit_read(found)
        return
    click.echo(local_stamps(_show_text(found)))


def _show_text(g: dict[str, Any]) -> str:
    lines = [
        f"{g['group']} ({g['status']}): {g['focus']}, {g['area']}; opened {g['opened_at']}",
        f"  reason: {g['reason']}",
        f"  cases: {', '.join(g['cases']) or 'none'}",
    ]
    lines += [f"  {a['action']} {a['agency']}: {a['text']} (due {a['due']}, {a['status']})" for a in g["actions"]]
    lines += [f"  met {m['at']}: {m['note']}" for m in g["meetings"]]
    if g["outcome"]:
        lines.append(f"  outcome ({g['completed_at']}): {g['outcome']}")
    return "\n".join(lines)
