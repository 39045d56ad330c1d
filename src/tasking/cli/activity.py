"""`tasking activity ...` and `tasking pact ...`: partnership activities and PACT panels."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATE, json_option, read_options, write_options
from tasking.commands.year import ActivityRecord, PactAdd
from tasking.domain.partnership_activity import KINDS
from tasking.queries.year_reads import activities, pact_panels
from tasking.time.instants import utcnow


@click.group("activity")
def activity() -> None:
    """Partnership activities: nights of action, EVAs, community events, PACT meetings, ...

    \b
    Example:
      tasking activity record --kind eva --area "West Kingsdown" --lead COUNCIL --partner POLICE \\
        --outcome "Lighting and litter actions agreed" --at 2017-07-12T18:00
      tasking activity list --from 2017-04-01 --to 2018-03-31 --kind eva --json
    """


@activity.command("record")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="The kind of activity.")
@click.option("--area", "areas", required=True, multiple=True, help="Town or parish (repeatable).")
@click.option("--lead", required=True, metavar="CODE", help="The lead agency (an officer's own agency).")
@click.option("--partner", "partners", multiple=True, metavar="CODE", help="A partner agency (repeatable).")
@click.option("--attendance", type=click.IntRange(min=0), default=None, help="How many attended, where counted.")
@click.option("--outcome", required=True, help="What it achieved: no personal details.")
@click.option("--case", "cases", multiple=True, metavar="CASE", help="A case it answered (repeatable).")
@click.option("--flag", "flags", multiple=True, metavar="FLAG", help="A repeat flag it answered (repeatable).")
@click.option(
    "--group", "groups", multiple=True, metavar="TFG", help="A Task and Finish group it answered (repeatable)."
)
@click.option("--panel", default=None, help="The PACT panel, for a pact-meeting: its name or reference.")
@click.option("--action", "actions", multiple=True, help="An action agreed, for a pact-meeting (repeatable).")
@write_options
@click.pass_context
def record(
    ctx: click.Context,
    kind,
    areas,
    lead,
    partners,
    attendance,
    outcome,
    cases,
    flags,
    groups,
    panel,
    actions,
    user,
    at,
    as_json,
) -> None:
    """Record an activity; --at is when it took place. Prints its reference (ACT-2017-001).

    \b
    Example:
      tasking activity record --kind night-of-action --area Swanley --lead POLICE --partner WARDENS \\
        --outcome "Two dispersals, licensed premises visited" --group TFG-2017-01 --at 2017-10-20T21:00
      tasking activity record --kind pact-meeting --panel Edenbridge --area Edenbridge --lead POLICE \\
        --attendance 18 --outcome "Priorities set" --action "Evening patrols at Stangrove Park"
    """
    run(
        ctx,
        ActivityRecord,
        as_json=as_json,
        text=lambda r: f"Recorded {r['activity']} ({r['kind']})",
        user=user,
        at=at,
        kind=kind,
        areas=areas,
        lead=lead,
        partners=partners,
        attendance=attendance,
        outcome=outcome,
        cases=cases,
        flags=flags,
        groups=groups,
        panel=panel,
        actions=actions,
    )


@activity.command("list")
@click.option("--from", "start", type=DATE, default=None, help="From this day (inclusive).")
@click.option("--to", "end", type=DATE, default=None, help="To this day (inclusive).")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind.")
@click.option("--area", default=None, help="Only activities in this area.")
@read_options
@json_option
@click.pass_context
def list_activities(ctx: click.Context, start, end, kind, area, at, as_of, position, as_json) -> None:
    """Activities as at --at (default now); linked restricted cases as outlines.

    \b
    Example:
      tasking activity list --from 2017-04-01 --to 2018-03-31 --kind night-of-action --json
    """
    read = reader(ctx, at, as_of, position, "activity list")
    result = activities(read, read.point.until(at or utcnow()), start, end, kind, area)
    if as_json:
        emit_read(result)
        return
    table = Table(title=f"Partnership activities (position {result['position']})", title_justify="left")
    for column in ("activity", "day", "kind", "areas", "lead", "attendance", "outcome"):
        table.add_column(column, no_wrap=column == "activity")
    for a in result["activities"]:
        table.add_row(
            a["activity"],
            a["day"],
            a["kind"],
            ", ".join(a["areas"]),
            a["lead"],
            "" if a["attendance"] is None else str(a["attendance"]),
            a["outcome"],
        )
    console().print(table)


@click.group("pact")
def pact() -> None:
    """PACT (Partners and Communities Together) panels: named, with their meetings and actions.

    \b
    Example:
      tasking pact add --name Westerham --area Westerham --at 2017-12-05T19:00
      tasking pact list --json
    """


@pact.command("add")
@click.option("--name", required=True, help="The panel's name, e.g. the town.")
@click.option("--area", required=True, help="Town or parish.")
@write_options
@click.pass_context
def add_panel(ctx: click.Context, name, area, user, at, as_json) -> None:
    """Set up a named PACT panel; --at is when it was set up. Prints its reference (PACT-WESTERHAM).

    \b
    Example:
      tasking pact add --name Westerham --area Westerham --at 2017-12-05T19:00
    """
    run(ctx, PactAdd, as_json=as_json, text=lambda r: f"Set up {r['panel']}", user=user, at=at, name=name, area=area)


@pact.command("list")
@read_options
@json_option
@click.pass_context
def list_panels(ctx: click.Context, at, as_of, position, as_json) -> None:
    """PACT panels with their meetings and the actions agreed.

    \b
    Example:
      tasking pact list --json
    """
    read = reader(ctx, at, as_of, position, "activity list")
    result = pact_panels(read, read.point.until(at or utcnow()))
    if as_json:
        emit_read(result)
        return
    for p in result["panels"]:
        click.echo(f"{p['panel']} {p['name']} ({p['area']}), set up {p['set_up']}: {len(p['meetings'])} meetings")
        for m in p["meetings"]:
            click.echo(f"  {m['day']} {m['activity']}" + "".join(f"\n    - {a}" for a in m["actions"]))
