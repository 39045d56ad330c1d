"""`tasking repeats acknowledge`: answer a repeat flag so that it stays quiet until a new report joins it."""

from __future__ import annotations

import click

from tasking.cli.context import reader, run
from tasking.cli.params import write_options
from tasking.commands import AcknowledgeFlag
from tasking.queries.repeats import repeat_flags
from tasking.time.instants import local_time, utcnow


@click.command("acknowledge")
@click.argument("flag")
@click.option("--note", required=True, help='What was done, e.g. "victim told of the case review".')
@write_options
@click.pass_context
def acknowledge(ctx: click.Context, flag: str, note: str, user, at, as_json: bool) -> None:
    """Record that a repeat flag was dealt with. It stays quiet until a new report joins it.

    \b
    Example:
      tasking repeats acknowledge P-1A2B3C4D --note "Victim told of the case review"
    """
    when = at or utcnow()
    read = reader(ctx, when, None, None, "repeats")
    raised = repeat_flags(read.db, read.config, read.point)
    wanted = flag.strip().upper()
    match = next((f for f in raised if f["flag"] == wanted), None)
    if match is None:
        known = ", ".join(f["flag"] for f in raised) or "none"
        raise click.ClickException(
            f"flag: {wanted} is not raised (or already acknowledged) at {local_time(when)}; raised: {known}"
        )
    run(
        ctx,
        AcknowledgeFlag,
        as_json=as_json,
        user=user,
        at=when,
        flag=wanted,
        cases=tuple(match["cases"]),
        note=note,
        text=lambda r: f"Acknowledged {r['flag']} for {', '.join(r['cases'])}",
    )
