"""`tasking audit`, `tasking show` and `tasking cases`."""

from __future__ import annotations

import click
from rich.table import Table

from tasking.cli.context import DATETIME, console, emit, json_option, read_at_option, services
from tasking.queries.audit import audit as audit_query
from tasking.queries.audit import show as show_query
from tasking.queries.cases import list_cases


def _details(details: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in details.items() if v not in (None, ""))


@click.command("audit")
@click.argument("case")
@click.option("--at", type=DATETIME, default=None, help="Only what had been recorded by this moment.")
@json_option
@click.pass_context
def audit(ctx: click.Context, case: str, at, as_json: bool) -> None:  # noqa: ANN001
    """Every event on a case, in order: what, who, which agency, when recorded and when it happened.

    \b
    Example:
      tasking audit CSU-2017-00001 --json
      tasking audit CSU-2017-00001 --at 2018-03-06T12:00
    """
    result = audit_query(services(ctx).app, case, at)
    if as_json:
        emit(result, True)
        return
    table = Table(title=f"Audit of {result['case']}", show_lines=False)
    for column in ("#", "event", "user", "agency", "recorded (UTC)", "happened (UTC)", "details"):
        table.add_column(column, overflow="fold", no_wrap=column == "case")
    for number, entry in enumerate(result["entries"], 1):
        table.add_row(str(number), entry["event"], entry["user"], entry["agency"], entry["recorded_at"],
                      entry["occurred_at"] or "", _details(entry["details"]))
    console().print(table)


@click.command("show")
@click.argument("case")
@click.option("--at", type=DATETIME, default=None, help="The case as it had been recorded by this moment.")
@json_option
@click.pass_context
def show(ctx: click.Context, case: str, at, as_json: bool) -> None:  # noqa: ANN001
    """The current state of a case (or, with --at, as recorded by then).

    \b
    Example:
      tasking show CSU-2017-00001
    """
    result = show_query(services(ctx).app, case, at)
    if as_json:
        emit(result, True)
        return
    lines = [f"{k:>13}: {v}" for k, v in result.items() if k not in ("taskings", "links")]
    lines += [f"{'link':>13}: {link['to']} ({link['reason']})" for link in result["links"]]
    lines += [f"{t['tasking']:>13}: {t['agency']} {t['status']} due {t['due']} - {t['action']}" for t in result["taskings"]]
    click.echo("\n".join(lines))


@click.command("cases")
@click.option("--open", "open_only", is_flag=True, help="Only open cases.")
@click.option("--area", default=None, help="Only cases in this area.")
@read_at_option
@json_option
@click.pass_context
def cases(ctx: click.Context, open_only: bool, area: str | None, at, as_json: bool) -> None:  # noqa: ANN001
    """List cases, oldest first.

    \b
    Example:
      tasking cases --open --area Swanley --json
    """
    if area:  # an unknown value is refused, as on writes, rather than answered with an empty list
        area = services(ctx).app.config.check_area(area)
    rows = list_cases(services(ctx).views.db, open_only=open_only, area=area, until=at)
    if as_json:
        emit(rows, True)
        return
    table = Table()
    for column in ("case", "status", "received", "source", "category", "area", "location", "risk"):
        table.add_column(column, no_wrap=column == "case")
    for row in rows:
        table.add_row(row["reference"], row["status"], row["received_at"], row["source"], row["category"],
                      row["area"], row["location"], row["risk"])
    console().print(table)
