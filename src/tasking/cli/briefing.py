"""`tasking briefing`, `tasking feedback-owed` and `tasking repeats`."""

from __future__ import annotations

import click

from tasking.reporting import render
from tasking.cli.context import console, emit_read, reader, services
from tasking.cli.params import json_option, read_options
from tasking.queries.reads import briefing_read, feedback_owed_read, repeats_read
from tasking.time.instants import utcnow


@click.group("briefing", invoke_without_command=True)
@read_options
@click.option("--json", "fmt", flag_value="json", help="Print JSON.")
@click.option("--markdown", "fmt", flag_value="markdown", help="Print Markdown (case text HTML-escaped).")
@click.option("--html", "fmt", flag_value="html", help="Print a printable HTML page.")
@click.option("--shared", is_flag=True, help="As the packs show it to every partner: restricted cases as outlines.")
@click.pass_context
def briefing(ctx: click.Context, at, as_of, position, fmt: str | None, shared: bool) -> None:
    """The queue for a tasking meeting: everything received since the previous meeting, open
    taskings due or overdue, feedback owed, repeat flags, case review alerts and risk reviews due,
    all as at the meeting.

    Which meeting: --at 2018-03-05 (a date alone) is that day's meeting. A date-time before that
    day's meeting time (e.g. 2018-03-05T08:30, while preparing) is the meeting about to happen;
    at or after it (2018-03-05T11:00) it is that day's meeting. A weekend or bank holiday means the
    next meeting. Without --at: the next meeting from now. With --position
    (or --as-of) it is reprinted as the record stood then: the --position of an issued pack, with
    --shared (restricted cases as outlines, as in every pack), gives that pack's briefing.json
    byte for byte.

    \b
    Example:
      TASKING_USER=coordinator tasking briefing --at 2018-03-05T09:00
      tasking briefing --at 2018-03-05T09:00 --html > briefing.html
      tasking briefing --at 2018-03-05T09:00 --position 9120 --shared --json
    """
    if ctx.invoked_subcommand is not None:
        return
    read = reader(ctx, None, as_of, position, "briefing", shared=shared)
    brief = briefing_read(read, at, utcnow())
    brief["warnings"] = services(ctx).views_warnings()
    if fmt == "json":
        emit_read(brief)
    elif fmt == "markdown":
        click.echo(render.markdown(brief, read.config.protective_marking, utcnow()))
    elif fmt == "html":
        click.echo(render.html(brief, read.config.protective_marking, utcnow()))
    else:
        render.print_table(brief, console())


@click.command("feedback-owed")
@read_options
@json_option
@click.pass_context
def feedback_owed(ctx: click.Context, at, as_of, position, as_json: bool) -> None:
    """Cases whose reporter is owed an update on what was done (references only, no personal details).

    \b
    Example:
      tasking feedback-owed --at 2018-03-05T09:00 --json
    """
    read = reader(ctx, at, as_of, position, "feedback-owed")
    result = feedback_owed_read(read, at, utcnow())
    if as_json:
        emit_read(result)
        return
    out = console()
    out.print(render.section_table("feedback_owed", result["feedback_owed"], out.width))


@click.group("repeats", invoke_without_command=True)
@read_options
@json_option
@click.pass_context
def repeats(ctx: click.Context, at, as_of, position, as_json: bool) -> None:
    """Repeat locations and repeat victims or reporters, by the partnership's rules. Each flag has a
    stable reference (`P-…` for a person, `L-…` for a location) for `tasking repeats acknowledge`.

    \b
    Example:
      tasking repeats --at 2018-03-05T09:00 --json
    """
    if ctx.invoked_subcommand is not None:
        return
    read = reader(ctx, at, as_of, position, "repeats")
    result = repeats_read(read, at, utcnow())
    if as_json:
        emit_read(result)
        return
    out = console()
    out.print(render.section_table("repeat_flags", result["repeat_flags"], out.width))
