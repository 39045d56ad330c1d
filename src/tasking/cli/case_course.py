"""The write commands on a case's course: the reporter told, powers, referrals, risk, corrections,
the lead officer, closing and reopening; one CLI command per intention.
"""

from __future__ import annotations

import click

from tasking.cli.context import done_text, run
from tasking.cli.params import choice_of, write_options
from tasking.commands import AssessRisk, AssignLead, CloseCase, CorrectCase, Refer, ReopenCase, UpdateReporter, UsePower
from tasking.commands.case import CloseReason, CorrectableField, Power, ReferralTarget, Risk, UpdateChannel


@click.command("update-reporter")
@click.argument("case")
@click.option("--channel", required=True, type=choice_of(UpdateChannel))
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
        text=done_text("Reporter updated on"),
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
@click.option("--type", "power", required=True, type=choice_of(Power))
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
        text=done_text(f"{power} recorded on"),
        user=user,
        at=at,
        case=case,
        power=power,
    )


@click.command("refer")
@click.argument("case")
@click.option("--to", "to", required=True, type=choice_of(ReferralTarget))
@write_options
@click.pass_context
def refer(ctx: click.Context, case, to, user, at, as_json) -> None:
    """Record a referral: Community MARAC, safeguarding, Channel panel, mediation, ...

    \b
    Example:
      tasking refer CSU-2017-00001 --to community-marac
    """
    run(ctx, Refer, as_json=as_json, text=done_text(f"Referred to {to}:"), user=user, at=at, case=case, to=to)


@click.command("risk")
@click.argument("case")
@click.option("--level", required=True, type=choice_of(Risk))
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
        text=done_text(f"Risk {level} on"),
        user=user,
        at=at,
        case=case,
        level=level,
        reason=reason,
    )


@click.command("correct")
@click.argument("case")
@click.option("--field", required=True, type=choice_of(CorrectableField))
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
        text=done_text("Corrected"),
        user=user,
        at=at,
        case=case,
        field=field,
        value=value,
        reason=reason,
    )


@click.command("close")
@click.argument("case")
@click.option("--reason", required=True, type=choice_of(CloseReason))
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
    type=choice_of(UpdateChannel),
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
        text=done_text("Closed"),
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
    run(ctx, ReopenCase, as_json=as_json, text=done_text("Reopened"), user=user, at=at, case=case, reason=reason)
