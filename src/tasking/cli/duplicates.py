"""`tasking duplicates`: possible duplicate reports (the same place and kind, close in time), and
`confirm` (link them) or `dismiss` (record why they are not).
"""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, run
from tasking.cli.params import DATETIME, json_option, read_options, user_option
from tasking.commands import DismissDuplicate, LinkCases
from tasking.queries.duplicates import possible_duplicates


@click.group("duplicates", invoke_without_command=True)
@read_options
@json_option
@click.pass_context
def duplicates(ctx: click.Context, at, as_of, position, as_json) -> None:
    """Possible duplicates: reports from different agencies that may be one incident.

    Two open reports match when they came from different agencies, occurred within 2 hours, have
    the same ASB type and the same normalised location (or are within 150 m). Confirm a pair to
    link it as one incident, or dismiss it: it is never suggested again.

    \b
    Example:
      tasking duplicates --json
      TASKING_USER=coordinator tasking duplicates confirm CSU-2017-00001 CSU-2017-00002
      TASKING_USER=coordinator tasking duplicates dismiss CSU-2017-00003 CSU-2017-00004 --reason "Different flats"
    """
    if ctx.invoked_subcommand is not None:
        return
    read = reader(ctx, at, as_of, position, "duplicates")
    items = possible_duplicates(read.db, read.config, read.point)
    if as_json:
        emit_read(
            {
                "at": None if at is None else at.isoformat(),
                "position": read.point.position,
                "possible_duplicates": items,
            }
        )
        return
    table = Table(title=f"Possible duplicates ({len(items)})", title_justify="left")
    for column in ("case", "other", "sources", "match", "minutes apart", "location"):
        table.add_column(column, no_wrap=column in ("case", "other"))
    for item in items:
        table.add_row(
            item["case"],
            item["other"],
            " / ".join(item["sources"]),
            item["match"],
            str(item["minutes_apart"]),
            item["locations"][0],
        )
    console().print(table)


@duplicates.command("confirm")
@click.argument("case")
@click.argument("other")
@click.option("--at", type=DATETIME, default=None, help="When it was decided (default now).")
@user_option
@json_option
@click.pass_context
def confirm(ctx: click.Context, case, other, at, user, as_json) -> None:
    """Confirm a possible duplicate: link the two reports as one incident (`same-incident`).

    \b
    Example:
      TASKING_USER=coordinator tasking duplicates confirm CSU-2017-00001 CSU-2017-00002
    """
    run(
        ctx,
        LinkCases,
        as_json=as_json,
        text=lambda r: f"Linked {r['case']} to {r['to']} as one incident",
        user=user,
        at=at,
        case=other,
        to=case,
        reason="same-incident",
    )


@duplicates.command("dismiss")
@click.argument("case")
@click.argument("other")
@click.option("--reason", required=True, help="Why they are not one incident.")
@click.option("--at", type=DATETIME, default=None, help="When it was decided (default now).")
@user_option
@json_option
@click.pass_context
def dismiss(ctx: click.Context, case, other, reason, at, user, as_json) -> None:
    """Dismiss a possible duplicate: the pair is never suggested again.

    \b
    Example:
      TASKING_USER=coordinator tasking duplicates dismiss CSU-2017-00003 CSU-2017-00004 --reason "Different flats"
    """
    run(
        ctx,
        DismissDuplicate,
        as_json=as_json,
        text=lambda r: f"Dismissed {r['case']} / {r['other']}",
        user=user,
        at=at,
        case=case,
        other=other,
        reason=reason,
    )
