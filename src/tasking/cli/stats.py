"""`tasking stats`: the year's figures, as of any position, explained down to the events."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from tasking.cli.context import console, emit_read, reader, services, warn_unfinished
from tasking.cli.params import DATETIME
from tasking.queries.access import redact_explained
from tasking.queries.stats import explain, year_stats
from tasking.reporting.text import local_stamps


@click.command("stats")
# Every year a write can produce: a partnership's earliest_date is 1900-01-01 at the earliest.
@click.option(
    "--year", required=True, type=click.IntRange(1899, 9998), help="Financial year by its first year: 2017 is 2017/18."
)
@click.option("--as-of", "as_of", type=DATETIME, default=None, help="Count only events recorded up to this moment.")
@click.option(
    "--position", type=click.IntRange(min=0), default=None, help="Count only events recorded up to this position."
)
@click.option("--at", "at", default=None, hidden=True, help="Refused: the year is the effective range; use --as-of.")
@click.option("--json", "fmt", flag_value="json", help="Print JSON (sorted keys, stable bytes).")
@click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")
@click.option("--markdown", "fmt", flag_value="markdown", help="Print Markdown.")
@click.option("--html", "fmt", flag_value="html", help="Write the annual report with charts into --out.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for --html.")
@click.option(
    "--explain",
    "figure",
    default=None,
    metavar="FIGURE",
    help="List the cases and events behind one figure, e.g. taskings, powers.CPW, by_area.Swanley.",
)
@click.pass_context
def stats(ctx: click.Context, year: int, as_of, position, at, fmt, out, figure) -> None:
    """The financial year's figures (1 April to 31 March, UK time), reproducible byte for byte.

    \b
    Example:
      TASKING_USER=analyst tasking stats --year 2017 --json
      tasking stats --year 2017 --explain powers.CPW
      tasking stats --year 2017 --html --out report/
      tasking stats --year 2017 --as-of 2018-04-30T17:00 --json
    """
    if at is not None:
        raise click.ClickException(
            "at: stats counts the whole financial year (--year is the effective range); "
            "to count what was recorded by a moment, use --as-of DATETIME or --position N"
        )
    if fmt == "html" and out is None:
        raise click.ClickException("out: --html writes files; give --out DIR")
    services(ctx).check_views()
    read = reader(ctx, None, as_of, position, "explain" if figure else "stats")
    db, config, upto = read.db, read.config, read.point.position
    warn_unfinished(services(ctx).app)
    if figure:
        result = redact_explained(read, explain(db, config, year, upto, figure))
        if fmt == "json":
            emit_read(result)
            return
        things = {"task_and_finish_groups": "group", "case_reviews": "case review"}.get(
            result["figure"].split(".", 1)[0], "case"
        ) + ("" if result["cases"] == 1 else "s")  # what the items name
        table = Table(
            title=f"{result['figure']} {result['financial_year']}: {result['count']} events on "
            f"{result['cases']} {things}",
            title_justify="left",
        )
        for column in ("case", "event", "position", "at", "user", "agency", "detail"):
            table.add_column(column, no_wrap=column == "case")
        for item in result["items"]:
            table.add_row(
                *(
                    local_stamps(str(item[c])) if item[c] is not None else ""
                    for c in ("case", "event", "position", "at", "user", "agency", "detail")
                )
            )
        console().print(table)
        return
    from tasking.reporting import annual_report

    if fmt in ("csv", "markdown", "html"):  # last year's breakdowns, as of the same position
        from tasking.queries.reads import annual_report_parts

        parts = annual_report_parts(read, year, with_map=fmt == "html")
        figures, previous, names = parts["figures"], parts["previous"], parts["names"]
    else:
        figures = year_stats(db, config, year, upto)
    if fmt == "json":
        click.echo(annual_report.to_json(figures), nl=False)
    elif fmt == "csv":
        click.echo(annual_report.to_csv(figures, previous, names), nl=False)
    elif fmt == "markdown":
        click.echo(annual_report.to_markdown(figures, previous, names), nl=False)
    elif fmt == "html":
        from tasking.store.chain import head_at

        head = head_at(services(ctx).app.recorder, figures["position"])["head"]
        manifest = annual_report.write_report(
            figures, config.name, out, previous, names, parts["geo"], head, year_parts=parts["year"]
        )
        click.echo(f"Wrote {', '.join(manifest['files'])} and manifest.json to {out} ({figures['fingerprint']})")
    else:
        print_headline(figures)


def print_headline(figures: dict) -> None:
    from tasking.reporting.annual_report import COUNTS, FEEDBACK_LABEL, change_text, escalation_rows, percent

    before = figures["previous_year"]
    table = Table(
        title=f"Year-end figures {figures['financial_year']} (position {figures['position']})", title_justify="left"
    )
    for column in ("figure", figures["financial_year"], before["financial_year"], "change"):
        table.add_column(column, justify="right" if column != "figure" else "left")
    for key, change in before["change"].items():
        if "." in key:
            group, name = key.split(".", 1)
            now, then, label = (
                figures[group].get(name, 0),
                before[group].get(name, 0),
                f"ASB reports from residents to {name}",
            )
            if group == "police_recorded":
                label = "police-recorded ASB incidents (data.police.uk)"
        else:
            now, then, label = figures[key], before[key], COUNTS.get(key, key.replace("_", " "))
        table.add_row(label, str(now), str(then), change_text(change))
    table.add_row(
        COUNTS["reports_received"], str(figures["reports_received"]), str(before.get("reports_received", "")), ""
    )
    then_rate = before.get("feedback_rate")
    table.add_row(
        FEEDBACK_LABEL, percent(figures["feedback_rate"]), "" if then_rate is None else percent(then_rate), ""
    )
    for _, _, label, now, then in escalation_rows(figures):
        table.add_row(label, str(now), "" if then is None else str(then), "")
    out = console()
    out.print(table)
    powers = ", ".join(f"{k} {v}" for k, v in figures["powers"].items() if v)
    out.print(f"Powers used: {powers or 'none'}")
    out.print(
        f"Feedback given: {figures['feedback']['given']} of {figures['feedback']['owed']} "
        f"({percent(figures['feedback_rate'])})"
    )
    out.print(f"Fingerprint: {figures['fingerprint']}")
