"""`tasking audit`, `tasking show` and `tasking cases`."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from tasking.cli.context import console, emit_read, reader
from tasking.cli.params import json_option, read_options
from tasking.reporting.case_text import case_text
from tasking.reporting.text import local_stamps, local_text, visible
from tasking.queries.audit import audit as audit_query
from tasking.queries.audit import show as show_query
from tasking.queries.cases import list_cases


def _details(details: dict) -> str:
    return local_stamps("; ".join(f"{k}={v}" for k, v in details.items() if v not in (None, "")))


@click.command("audit")
@click.argument("case")
@read_options
@json_option
@click.pass_context
def audit(ctx: click.Context, case: str, at, as_of, position, as_json: bool) -> None:
    """Every event on a case, in order: what, who, which agency, when recorded and when it happened.

    --at lists what had happened by then; --as-of or --position what had been recorded by then.
    Control characters in typed text are printed visibly (e.g. \\x1b); --json is unchanged.

    \b
    Example:
      tasking audit CSU-2017-00001 --json
      tasking audit CSU-2017-00001 --at 2018-03-06T12:00
      tasking audit CSU-2017-00001 --position 9120
    """
    result = audit_query(reader(ctx, at, as_of, position, "audit", case=case), case)
    if as_json:
        emit_read(result)
        return
    if "entries" not in result:  # a restricted case's outline
        click.echo(case_text(result))
        return
    table = Table(title=f"Audit of {result['case']}", show_lines=False)
    for column in ("position", "event", "user", "agency", "recorded", "happened", "details"):
        table.add_column(column, overflow="fold")
    for entry in result["entries"]:
        cells = (
            str(entry["position"]),
            entry["event"],
            entry["user"],
            entry["agency"],
            local_text(entry["recorded_at"], seconds=True),
            local_text(entry["occurred_at"]),
            _details(entry["details"]),
        )
        table.add_row(*(Text(visible(cell or "")) for cell in cells))  # typed text shown, never acted on
    console().print(table)
    for what in result.get("erased", []):
        click.echo(f"{what}: [erased]")


@click.command("show")
@click.argument("case")
@read_options
@json_option
@click.pass_context
def show(ctx: click.Context, case: str, at, as_of, position, as_json: bool) -> None:
    """A case as it stands (or as it stood --at a moment, as recorded by --as-of or --position).
    Control characters in typed text are printed visibly (e.g. \\x1b); --json is unchanged.

    \b
    Example:
      tasking show CSU-2017-00001
      tasking show CSU-2017-00001 --at 2018-03-06T12:00 --json
    """
    result = show_query(reader(ctx, at, as_of, position, "show", case=case), case)
    if as_json:
        emit_read(result)
        return
    click.echo(case_text(result))


@click.command("cases")
@click.option("--open", "open_only", is_flag=True, help="Only open cases.")
@click.option("--area", default=None, help="Only cases in this area.")
@read_options
@json_option
@click.pass_context
def cases(ctx: click.Context, open_only: bool, area: str | None, at, as_of, position, as_json: bool) -> None:
    """List cases, oldest first. A restricted case is its outline unless you may see it in full;
    the restricted cases shown in full are recorded in the access log.

    \b
    Example:
      tasking cases --open --area Swanley --json
    """
    read = reader(ctx, at, as_of, position, "cases")
    if area:  # an unknown value is refused, as on writes, rather than answered with an empty list
        area = read.config.check_area(area)
    result = list_cases(read, open_only=open_only, area=area)
    if as_json:
        emit_read(result)
        return
    table = Table()
    for column in ("case", "status", "received", "source", "category", "area", "location", "risk"):
        table.add_column(column, no_wrap=column == "case")
    for row in result["cases"]:
        cells = (
            row["case"],
            row.get("status", "restricted"),
            local_text(row["received_at"]),
            row.get("source", ""),
            row.get("category", ""),
            row["area"],
            row.get("location", ""),
            row.get("risk", ""),
        )
        table.add_row(*(Text(visible(cell)) for cell in cells))
    console().print(table)
