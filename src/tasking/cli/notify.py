"""`tasking notify`: the email outbox (issue 23): send what is queued, list it, release an unknown claim."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import acting_user, console, emit_read, services
from tasking.cli.params import DATETIME, json_option
from tasking.time.instants import utcnow


@click.group("notify")
def notify() -> None:
    """The email outbox: taskings, reassignments and the day's pack to the tasked agency's address,
    and updates to residents (`update-reporter --channel email --send`).

    \b
    Example:
      TASKING_SMTP_URL=smtp://127.0.0.1:2525 tasking notify send
      tasking notify list --failed
    """


def _user(ctx: click.Context) -> str:
    user = acting_user(ctx, None)
    if not user:
        raise click.ClickException("user: an acting user is required; pass --user ID or set TASKING_USER")
    return user


@notify.command("send")
@click.option("--at", type=DATETIME, default=None, help="Now, for the retries' back-off (default: the clock).")
@json_option
@click.pass_context
def send(ctx: click.Context, at, as_json: bool) -> None:
    """Send every queued email (and every failed one whose retry is due) through TASKING_SMTP_URL.

    Each is recorded as sent only after the relay accepted it; a failure is recorded with a retry
    time (back-off from a minute, doubling, to an hour). The scheduler runs this every minute.

    \b
    Example:
      TASKING_SMTP_URL=smtps://csu:secret@smtp.example.org:465 tasking notify send --json
    """
    from tasking.notify.sender import send_due
    from tasking.notify.smtp import Relay

    found, user = services(ctx), _user(ctx)
    found.app.authorize(found.app.actor(user, "notify send"), "notify send")  # before the relay's settings
    counts = send_due(found, at or utcnow(), Relay.from_env(), user=user)
    if as_json:
        emit_read(counts)
        return
    click.echo(", ".join(f"{count} {what}" for what, count in counts.items()))


@notify.command("list")
@click.option("--queued", is_flag=True, help="Only what is waiting to be sent.")
@click.option(
    "--failed", is_flag=True, help="Only failures: to retry, given up (dropped), or claimed with no outcome (unknown)."
)
@json_option
@click.pass_context
def list_outbox(ctx: click.Context, queued: bool, failed: bool, as_json: bool) -> None:
    """The outbox: each email's key, kind, case, agency, status, attempts and next retry. No addresses.

    \b
    Example:
      tasking notify list --queued
      tasking notify list --failed --json
    """
    from tasking.notify.sender import outbox

    if queued and failed:
        raise click.UsageError("give --queued or --failed, not both")
    rows = outbox(services(ctx).read(user=_user(ctx), action="notify list"), queued=queued, failed=failed)
    if as_json:
        emit_read({"notifications": rows})
        return
    table = Table(title="Outbox")
    for column in ("key", "kind", "case", "agency_to", "status", "attempts", "retry_at", "error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            *(
                str(row[column] or "")
                for column in ("key", "kind", "case", "agency_to", "status", "attempts", "retry_at", "error")
            )
        )
    console().print(table)


@notify.command("release")
@click.argument("key")
@click.option("--at", type=DATETIME, default=None, help="When (default now).")
@json_option
@click.pass_context
def release(ctx: click.Context, key: str, at, as_json: bool) -> None:
    """Let an email claimed with no recorded outcome (`unknown`) be sent again, once a person has
    checked with the relay that it never left.

    \b
    Example:
      tasking notify release tasking:CSU-2018-00001:T1:raised
    """
    from tasking.notify.sender import release as release_one

    found = services(ctx)
    user = _user(ctx)
    found.app.authorize(found.app.actor(user), "notify send")
    result = release_one(found.app, key, user, at or utcnow())
    if as_json:
        emit_read(result)
        return
    click.echo(f"Released {key}: it will be sent by the next `tasking notify send`")
