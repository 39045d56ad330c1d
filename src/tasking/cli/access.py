"""`tasking access-log`: who read which case's details, and who was refused what."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader
from tasking.cli.params import json_option, read_options
from tasking.queries.access import access_log as access_log_query
from tasking.reporting.text import local_text


@click.command("access-log")
@click.argument("case", required=False)
@click.option("--user", "who", default=None, metavar="ID", help="Only this user's entries.")
@read_options
@json_option
@click.pass_context
def access_log(ctx: click.Context, case: str | None, who: str | None, at, as_of, position, as_json: bool) -> None:
    """The access log: every read of a case's details (show, audit, a briefing's detail) and every
    refused attempt, with who, which cases, what and when. For coordinators and admins.

    The acting user is `tasking --user` (or TASKING_USER); this command's --user filters the entries.

    \b
    Example:
      TASKING_USER=coordinator tasking access-log CSU-2017-00001
      TASKING_USER=coordinator tasking access-log --user sgt.jones --json
    """
    result = access_log_query(reader(ctx, at, as_of, position, "access-log"), case=case, user=who)
    if as_json:
        emit_read(result)
        return
    table = Table(title="Access log" + (f" of {result['case']}" if case else "") + (f" by {who}" if who else ""))
    for column in ("position", "when", "user", "agency", "action", "what", "cases"):
        table.add_column(column, overflow="fold")
    for entry in result["entries"]:
        table.add_row(
            str(entry["position"]),
            local_text(entry["at"], seconds=True),
            entry["user"],
            entry["agency"] or "",
            entry["action"],
            entry["what"],
            ", ".join(entry["cases"]),
        )
    console().print(table)
