"""The write commands on cases: a report, links, taskings (raised, reassigned, completed) and follow-ups;
one CLI command per intention (the rest of a case's course is case_course.py's)."""

from __future__ import annotations

from typing import Any

import click

from tasking.cli.context import done_text, run
from tasking.cli.params import (
    DATE,
    DATETIME,
    DATETIME_WITH_TIME,
    choice_of,
    json_option,
    request_option,
    user_option,
    write_options,
)
from tasking.commands import (
    CompleteTasking,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
)
from tasking.commands.case import (
    Channel,
    FollowUpKind,
    LinkReason,
    Risk,
)


@click.command("report")
@click.option("--source", required=True, metavar="AGENCY", help="The agency that received the report.")
@click.option("--category", required=True, metavar="CODE", help="e.g. youth-nuisance, noise, fly-tipping.")
@click.option("--area", required=True, help="Town or parish, e.g. Swanley.")
@click.option("--location", required=True, help="Street or premises, free text.")
@click.option(
    "--occurred", required=True, type=DATETIME_WITH_TIME, help="When the behaviour happened (a date and a time)."
)
@click.option("--received", "--at", "received", type=DATETIME, default=None, help="When it was received (default now).")
@click.option("--summary", required=True, help="A short summary: no names or contact details.")
@click.option("--reporter", metavar="PERSON", default=None, help="The reporter's person reference.")
@click.option("--anonymous", is_flag=True, help="The reporter gave no details.")
@click.option("--victim", metavar="PERSON", default=None, help="The victim's person reference, if any.")
@click.option("--no-feedback", is_flag=True, help="The reporter asked for no updates.")
@click.option("--risk", type=choice_of(Risk), default="standard", show_default=True)
@click.option("--channel", type=choice_of(Channel), default="phone", show_default=True)
@click.option("--lat", type=float, default=None, help="Latitude of the place (WGS84), with --lon; optional.")
@click.option("--lon", type=float, default=None, help="Longitude of the place (WGS84), with --lat; optional.")
@user_option
@json_option
@request_option
@click.pass_context
def report(ctx: click.Context, received, user, as_json, **fields: Any) -> None:
    """Record a report received: this opens a case and prints its reference.

    \b
    Example:
      tasking report --source COUNCIL --category youth-nuisance --area Swanley \\
        --location "Azalea Shops" --occurred 2018-03-02T21:30 --reporter PER-00001 \\
        --summary "Groups gathering late, shouting" --json
    """
    fields["occurred_at"] = fields.pop("occurred")
    run(ctx, RecordReport, as_json=as_json, text=done_text("Opened"), user=user, at=received, **fields)


@click.command("link")
@click.argument("case")
@click.option("--to", "to", required=True, metavar="CASE", help="The other case.")
@click.option("--reason", required=True, type=choice_of(LinkReason))
@write_options
@click.pass_context
def link(ctx: click.Context, case, to, reason, user, at, as_json) -> None:
    """Link two cases: one incident reported to several agencies, or a repeat of the same problem.

    \b
    Example:
      tasking link CSU-2017-00002 --to CSU-2017-00001 --reason same-incident
    """
    run(
        ctx,
        LinkCases,
        as_json=as_json,
        text=lambda r: f"Linked {r['case']} to {r['to']}",
        user=user,
        at=at,
        case=case,
        to=to,
        reason=reason,
    )


@click.command("task")
@click.argument("case")
@click.option("--agency", required=True, metavar="CODE", help="The agency tasked.")
@click.option("--action", required=True, help="What is to be done.")
@click.option("--due", required=True, type=DATE, help="Due date, YYYY-MM-DD.")
@click.option("--owner", metavar="USER", default=None, help="The officer who owns it.")
@write_options
@click.pass_context
def task(ctx: click.Context, case, agency, action, due, owner, user, at, as_json) -> None:
    """Task an agency to act on a case; `--at` is when it was raised. Prints the tasking reference.

    \b
    Example:
      tasking task CSU-2017-00001 --agency WARDENS --action "Patrol Azalea Shops 8-10pm" --due 2018-03-09 \\
        --at 2018-03-05T09:30
    """
    run(
        ctx,
        RaiseTasking,
        as_json=as_json,
        text=done_text("Tasked"),
        user=user,
        at=at,
        case=case,
        agency=agency,
        action=action,
        due=due,
        owner=owner,
    )


@click.command("reassign")
@click.argument("case")
@click.argument("tasking")
@click.option("--agency", metavar="CODE", default=None, help="The agency to task (default: the one tasked now).")
@click.option("--owner", metavar="USER", default=None, help="The officer who owns it (give this, --agency, or both).")
@write_options
@click.pass_context
def reassign(ctx: click.Context, case, tasking, agency, owner, user, at, as_json) -> None:
    """Reassign an open tasking to another agency or officer.

    \b
    Example:
      tasking reassign CSU-2017-00001 T1 --agency POLICE --owner pcso.fry
      tasking reassign CSU-2017-00001 T1 --owner warden.sharrad
    """
    run(
        ctx,
        ReassignTasking,
        as_json=as_json,
        text=done_text("Reassigned"),
        user=user,
        at=at,
        case=case,
        tasking=tasking,
        agency=agency,
        owner=owner,
    )


@click.command("complete")
@click.argument("case")
@click.argument("tasking")
@click.option("--result", required=True, help="What was done.")
@write_options
@click.pass_context
def complete(ctx: click.Context, case, tasking, result, user, at, as_json) -> None:
    """Complete a tasking.

    \b
    Example:
      tasking complete CSU-2017-00001 T1 --result "Patrolled; group moved on" --at 2018-03-06T22:00
    """
    run(
        ctx,
        CompleteTasking,
        as_json=as_json,
        text=done_text("Completed"),
        user=user,
        at=at,
        case=case,
        tasking=tasking,
        result=result,
    )


@click.command("follow-up")
@click.argument("case")
@click.option("--kind", required=True, type=choice_of(FollowUpKind))
@click.option("--outcome", required=True, help="What happened.")
@write_options
@click.pass_context
def follow_up(ctx: click.Context, case, kind, outcome, user, at, as_json) -> None:
    """Record a follow-up visit, call, letter or email.

    \b
    Example:
      tasking follow-up CSU-2017-00001 --kind visit --outcome "Spoke to parents" --at 2018-03-07T16:00
    """
    run(
        ctx,
        RecordFollowUp,
        as_json=as_json,
        text=done_text("Follow-up recorded on"),
        user=user,
        at=at,
        case=case,
        kind=kind,
        outcome=outcome,
    )
