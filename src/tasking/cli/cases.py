"""The write commands on cases: one CLI command per intention."""

from __future__ import annotations

from typing import Any, get_args

import click

from tasking.cli.context import (
    DATE,
    DATETIME,
    DATETIME_WITH_TIME,
    json_option,
    request_option,
    run,
    user_option,
    write_options,
)
from tasking.commands.case import (
    Channel,
    CloseReason,
    CorrectableField,
    FollowUpKind,
    LinkReason,
    Power,
    ReferralTarget,
    Risk,
    UpdateChannel,
)
from tasking.commands import (
    AssignLead,
    AssessRisk,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
    Refer,
    ReopenCase,
    UpdateReporter,
    UsePower,
)


def _choice(literal: object) -> click.Choice:
    """The command's own Literal type is the one list of allowed values."""
    return click.Choice(list(get_args(literal)))


def _case_text(verb: str):  # noqa: ANN202
    return lambda r: f"{verb} {r['case']}" + (f" {r['tasking']}" if r.get("tasking") else "")


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
@click.option("--risk", type=_choice(Risk), default="standard", show_default=True)
@click.option("--channel", type=_choice(Channel), default="phone", show_default=True)
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
    run(ctx, RecordReport, as_json=as_json, text=_case_text("Opened"), user=user, at=received, **fields)


@click.command("link")
@click.argument("case")
@click.option("--to", "to", required=True, metavar="CASE", help="The other case.")
@click.option("--reason", required=True, type=_choice(LinkReason))
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
        text=_case_text("Tasked"),
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
        text=_case_text("Reassigned"),
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
        text=_case_text("Completed"),
        user=user,
        at=at,
        case=case,
        tasking=tasking,
        result=result,
    )


@click.command("follow-up")
@click.argument("case")
@click.option("--kind", required=True, type=_choice(FollowUpKind))
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
        text=_case_text("Follow-up recorded on"),
        user=user,
        at=at,
        case=case,
        kind=kind,
        outcome=outcome,
    )


@click.command("update-reporter")
@click.argument("case")
@click.option("--channel", required=True, type=_choice(UpdateChannel))
@click.option("--note", required=True, help="What the reporter was told.")
@click.option("--public-note", "public_note", default=None, help="What Open311 (FixMyStreet) may show the public.")
@click.option("--send", is_flag=True, help="With --channel email: email the note to the reporter (the outbox).")
@write_options
@click.pass_context
def update_reporter(ctx: click.Context, case, channel, note, public_note, send, user, at, as_json) -> None:
    """Record that the reporter (or the reporting organisation) was told what was done.

    --send (with --channel email) queues the note to the reporter's address, read from their person
    record when the outbox sends it (`tasking notify send`). --public-note is what Open311's
    servicerequestupdates.json shows (FixMyStreet); nothing else of the update leaves.

    \b
    Example:
      tasking update-reporter CSU-2017-00001 --channel phone --note "Told of patrols and visit"
      tasking update-reporter CSU-2017-00001 --channel email --send --note "Wardens patrol nightly" \\
        --public-note "Patrols have been arranged"
    """
    run(
        ctx,
        UpdateReporter,
        as_json=as_json,
        text=_case_text("Reporter updated on"),
        user=user,
        at=at,
        case=case,
        channel=channel,
        note=note,
        public_note=public_note,
        send=send,
    )


@click.command("power")
@click.argument("case")
@click.option("--type", "power", required=True, type=_choice(Power))
@write_options
@click.pass_context
def power(ctx: click.Context, case, power, user, at, as_json) -> None:
    """Record the use of an ASB power (CPW, CPN, CBO, injunction, closure, dispersal, ...).

    \b
    Example:
      tasking power CSU-2017-00001 --type CPW --at 2018-03-08T11:00
    """
    run(
        ctx,
        UsePower,
        as_json=as_json,
        text=_case_text(f"{power} recorded on"),
        user=user,
        at=at,
        case=case,
        power=power,
    )


@click.command("refer")
@click.argument("case")
@click.option("--to", "to", required=True, type=_choice(ReferralTarget))
@write_options
@click.pass_context
def refer(ctx: click.Context, case, to, user, at, as_json) -> None:
    """Record a referral: Community MARAC, safeguarding, Channel panel, mediation, ...

    \b
    Example:
      tasking refer CSU-2017-00001 --to community-marac
    """
    run(ctx, Refer, as_json=as_json, text=_case_text(f"Referred to {to}:"), user=user, at=at, case=case, to=to)


@click.command("risk")
@click.argument("case")
@click.option("--level", required=True, type=_choice(Risk))
@click.option("--reason", required=True)
@write_options
@click.pass_context
def risk(ctx: click.Context, case, level, reason, user, at, as_json) -> None:
    """Record a risk assessment of the case.

    \b
    Example:
      tasking risk CSU-2017-00001 --level high --reason "Repeat victim, vulnerable"
    """
    run(
        ctx,
        AssessRisk,
        as_json=as_json,
        text=_case_text(f"Risk {level} on"),
        user=user,
        at=at,
        case=case,
        level=level,
        reason=reason,
    )


@click.command("correct")
@click.argument("case")
@click.option("--field", required=True, type=_choice(CorrectableField))
@click.option("--value", required=True)
@click.option("--reason", required=True)
@write_options
@click.pass_context
def correct(ctx: click.Context, case, field, value, reason, user, at, as_json) -> None:
    """Correct a field of the report. The original stays in the log; the correction is a new event.

    \b
    Example:
      tasking correct CSU-2017-00001 --field area --value Hextable --reason "Boundary checked"
    """
    run(
        ctx,
        CorrectCase,
        as_json=as_json,
        text=_case_text("Corrected"),
        user=user,
        at=at,
        case=case,
        field=field,
        value=value,
        reason=reason,
    )


@click.command("close")
@click.argument("case")
@click.option("--reason", required=True, type=_choice(CloseReason))
@click.option("--note", default=None)
@click.option(
    "--complete-taskings",
    "complete_taskings",
    metavar="RESULT",
    default=None,
    help="Complete the taskings still open with this result, in the same command.",
)
@click.option(
    "--reporter-told",
    "reporter_told",
    type=_choice(UpdateChannel),
    default=None,
    is_flag=False,
    flag_value="phone",
    metavar="[CHANNEL]",
    help="The reporter was told of the closure (by phone, or the CHANNEL given): no new feedback is owed.",
)
@click.option("--public-note", "public_note", default=None, help="What Open311 (FixMyStreet) may show the public.")
@write_options
@click.pass_context
def close(
    ctx: click.Context, case, reason, note, complete_taskings, reporter_told, public_note, user, at, as_json
) -> None:
    """Close a case. It is refused while taskings are open, naming them, unless --complete-taskings
    completes them in the same command.

    \b
    Example:
      tasking close CSU-2017-00001 --reason resolved --note "No reports for 4 weeks"
      tasking close CSU-2017-00001 --reason resolved --complete-taskings "Closed with the case" --reporter-told phone
      tasking close CSU-2017-00001 --reason resolved --public-note "The rubbish was cleared"
    """
    run(
        ctx,
        CloseCase,
        as_json=as_json,
        text=_case_text("Closed"),
        user=user,
        at=at,
        case=case,
        reason=reason,
        note=note,
        complete_taskings=complete_taskings,
        reporter_told=reporter_told,
        public_note=public_note,
    )


@click.command("assign")
@click.argument("case")
@click.option("--lead", required=True, metavar="USER", help="The lead officer: a user's login.")
@write_options
@click.pass_context
def assign(ctx: click.Context, case, lead, user, at, as_json) -> None:
    """Make a user the case's lead officer (shown in the briefing and in `show`).

    \b
    Example:
      tasking assign CSU-2017-00001 --lead sgt.jones
    """
    run(
        ctx,
        AssignLead,
        as_json=as_json,
        text=lambda r: f"{r['lead']} leads {r['case']}",
        user=user,
        at=at,
        case=case,
        lead=lead,
    )


@click.command("reopen")
@click.argument("case")
@click.option("--reason", required=True)
@write_options
@click.pass_context
def reopen(ctx: click.Context, case, reason, user, at, as_json) -> None:
    """Reopen a closed case.

    \b
    Example:
      tasking reopen CSU-2017-00001 --reason "Problem has returned"
    """
    run(ctx, ReopenCase, as_json=as_json, text=_case_text("Reopened"), user=user, at=at, case=case, reason=reason)


COMMANDS = [
    report,
    link,
    task,
    reassign,
    complete,
    follow_up,
    update_reporter,
    power,
    refer,
    risk,
    correct,
    close,
    reopen,
]
COMMANDS.append(assign)
__all__ = ["COMMANDS", "json_option", "user_option"]
