"""`tasking scheduler`, and `tasking briefing issue` / `tasking briefing issued`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from pathlib import Path

import click

from tasking.cli.briefing import briefing
from tasking.cli.context import acting_user, emit, emit_read, reader, services
from tasking.cli.params import DATETIME, json_option, read_options
from tasking.queries.briefing import meeting_for
from tasking.queries.roster import briefings_issued
from tasking.reporting.text import local_text
from tasking.time.instants import utcnow
from tasking.time.meetings import MeetingCalendar

if TYPE_CHECKING:
    from tasking.config import PartnershipConfig


def _user(ctx: click.Context, user: str | None) -> str:
    login = acting_user(ctx, user)
    if not login:
        raise click.ClickException("user: the scheduler records packs as a user; pass --user ID or set TASKING_USER")
    services(ctx).app.get_user(login)
    return login


OUTPUT = click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("briefings"),
    show_default=True,
    help="Packs go to OUTPUT/YYYY-MM-DD/.",
)
USER = click.option("--user", metavar="ID", help="Acting user (default: `tasking --user`, or TASKING_USER).")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run what is due at --at (default now) and exit.")
@click.option("--at", type=DATETIME, default=None, help="With --once: the moment to act as at.")
@OUTPUT
@USER
@json_option
@click.pass_context
def scheduler(ctx: click.Context, once: bool, at, output: Path, user: str | None, as_json: bool) -> None:
    """Run the daily jobs: the briefing pack before each meeting, overdue reminders, catch-up, retention.

    The pack for a meeting is written to OUTPUT/YYYY-MM-DD/ (HTML, Markdown, JSON) at the meeting time
    less the configured lead, and recorded once as a BriefingIssued event. Stops cleanly on SIGTERM or
    SIGINT.

    \b
    Example:
      TASKING_USER=coordinator tasking scheduler --output /srv/csu/briefings
      TASKING_USER=coordinator tasking scheduler --once --at 2018-03-26T08:30
    """
    from tasking.scheduler import run_once, serve

    login = _user(ctx, user)
    found = services(ctx)
    if not once:
        if at is not None:
            raise click.ClickException("at: --at goes with --once; a running scheduler follows the clock")
        serve(found, output, login)
        return
    result = run_once(found, at or utcnow(), output, login)

    def text(r: dict) -> str:
        pack = r["briefing"]
        if pack is None:
            line = "No briefing pack due"
        elif pack["issued"]:
            line = f"Issued the pack for {pack['briefing']} into {pack['folder']} ({pack['new_reports']} new reports)"
        else:
            line = f"The pack for {pack['briefing']} was already issued; nothing written"
        reminders = r["reminders"]
        if reminders:
            line += f"\nReminders: {reminders['written']} agencies, in {reminders['folder']}"
        return line

    emit(result, as_json, text)


def latest_due_meeting(config: PartnershipConfig, now: dt.datetime) -> dt.datetime:
    """The latest meeting whose pack time (`briefing_lead_minutes` before it) has come by `now`."""
    lead = dt.timedelta(minutes=config.meeting.briefing_lead_minutes)
    return MeetingCalendar(config.meeting.time).at_or_before(now + lead)


@briefing.command("issue")
@click.option(
    "--at",
    type=DATETIME,
    default=None,
    help="The meeting meant by this moment, as for `tasking briefing` "
    "(default: the latest meeting whose pack time, `briefing_lead_minutes` before it, has come).",
)
@OUTPUT
@USER
@json_option
@click.pass_context
def issue(ctx: click.Context, at, output: Path, user: str | None, as_json: bool) -> None:
    """Issue the briefing pack for a meeting by hand (once: a second call writes nothing). Only a real
    meeting (a working day, not an England and Wales bank holiday, at the meeting time) whose pack
    time has come is accepted; any other is refused.

    \b
    Example:
      TASKING_USER=coordinator tasking briefing issue --at 2018-03-05T09:00 --output briefings
    """
    from tasking.reporting.packs import issue_pack

    login = _user(ctx, user)
    found = services(ctx)
    now = utcnow()
    meeting = meeting_for(found.app.config, at, now) if at is not None else latest_due_meeting(found.app.config, now)
    result = issue_pack(found, meeting, output, login, now)
    emit(
        result,
        as_json,
        lambda r: (
            f"Issued the pack for {r['briefing']} into {r['folder']}"
            if r["issued"]
            else f"The pack for {r['briefing']} was already issued; nothing written"
        ),
    )


@briefing.command("issued")
@read_options
@json_option
@click.pass_context
def issued(ctx: click.Context, at, as_of, position, as_json: bool) -> None:
    """List the briefing packs issued: meeting, window, counts, who issued them, and the position each
    briefing answered at (reprint one with `tasking briefing --at MEETING --position N`).

    \b
    Example:
      tasking briefing issued --json
    """
    result = briefings_issued(reader(ctx, at, as_of, position, "briefing issued"))
    if as_json:
        emit_read(result)
        return
    click.echo(
        "\n".join(
            f"{r['meeting_day']}  {local_text(r['window_from'])} -> {local_text(r['window_to'])}  {r['new_reports']} new, "
            f"{r['due_taskings']} due, {r['feedback_owed']} owed  by {r['issued_by']}"
            for r in result["briefings"]
        )
        or "No packs issued"
    )
