"""`tasking export`: pseudonymised exports for analysts (CSV, XLSX, JSON, an analysts' database),
restricted cases as outlines; files owner-only.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tasking.cli.context import emit, reader, services
from tasking.cli.params import DATETIME, json_option
from tasking.files import write_private_text
from tasking.interchange import analysts_db
from tasking.interchange import export as exports


@click.command("export")
@click.argument("kind", type=click.Choice([*exports.KINDS, "datasette", "metadata"]))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(exports.FORMATS)),
    default=None,
    help="csv, json or xlsx [default: csv; json for metadata].",
)
@click.option(
    "--year", type=click.IntRange(1990, 2200), default=None, help="Only this financial year (2017 is 2017/18)."
)
@click.option("--as-of", "as_of", type=DATETIME, default=None, help="Only what had been recorded by this moment.")
@click.option(
    "--position", type=click.IntRange(min=0), default=None, help="Only what was recorded up to this position."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@json_option
@click.pass_context
def export(ctx: click.Context, kind, fmt, year, as_of, position, out, as_json) -> None:
    """Export cases, taskings, activity or incidents for analysts, pseudonymised.

    No personal details and no free text; people and users become keyed hashes, new for each export.
    A restricted case is its outline unless you may see it in full (the restricted cases shown in
    full are recorded in the access log). `datasette` writes the database analysts browse with
    Datasette: all four tables, the same rules, no location. `metadata` writes the views
    database's Datasette metadata (table titles, column descriptions) for operators.

    \b
    Example:
      TASKING_USER=analyst tasking export cases --format xlsx --year 2017 --out cases-2017.xlsx
      tasking export incidents --format csv --position 9120 --out incidents.csv
      TASKING_USER=analyst tasking export datasette --out analysts.db && datasette analysts.db
    """
    if kind == "metadata":
        if fmt not in (None, "json"):
            raise click.ClickException("format: metadata is JSON; leave --format out or give --format json")
        found = services(ctx)
        found.open_views()
        path = found.settings.views_path
        write_private_text(out, json.dumps(exports.views_metadata(path), indent=2) + "\n")
        emit(
            {"export": "metadata", "views": path, "out": str(out)},
            as_json,
            lambda r: f"Wrote Datasette metadata for {r['views']} to {out}",
        )
        return
    if kind == "datasette":
        if fmt is not None or year is not None:
            raise click.ClickException(
                "format: the analysts' database is SQLite and holds every year; leave --format and --year out"
            )
        result = analysts_db.build(reader(ctx, None, as_of, position, "export"), out)
        emit(result, as_json, lambda r: f"Wrote the analysts' database to {out} (position {r['position']})")
        return
    fmt = fmt or "csv"
    read = reader(ctx, None, as_of, position, "export")
    result = exports.export(read, kind, fmt, out, year)
    emit(result, as_json, lambda r: f"Wrote {r['rows']} {kind} rows to {out} (position {r['position']})")
