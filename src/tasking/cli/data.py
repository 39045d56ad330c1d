"""Data in: partner spreadsheets (`tasking import`) and police.uk context (`tasking context`); the
possible duplicates are duplicates.py's, the exports export.py's."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tasking.bootstrap import bootstrap
from tasking.cli.context import build, emit, required_user, services
from tasking.cli.params import DATETIME, json_option, user_option
from tasking.commands import RecordPoliceMonth, send
from tasking.interchange import partner_import, police_uk
from tasking.queries.duplicates import possible_duplicates
from tasking.store.batch import BatchingApp
from tasking.time.instants import utcnow


def _bar() -> Progress:
    """Transient: the bar goes when the work is done, so a refusal is one line (the fuzz test holds this)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _user(ctx: click.Context, user: str | None, action: str = "import") -> str:
    return required_user(ctx, user, action)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The mapping file (TOML): columns, value maps, date formats; see examples/housing-import.toml.",
)
@click.option("--source", metavar="AGENCY", default=None, help="The agency that received these reports.")
@click.option("--dry-run", is_flag=True, help="Check every row and count, but write nothing.")
@click.option("--all-or-nothing", is_flag=True, help="Refuse the whole file if any row is bad.")
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the bad rows here (CSV: row, column, rule; never a value).",
)
@user_option
@json_option
@click.pass_context
def import_file(
    ctx: click.Context, file: Path, mapping: Path, source, dry_run, all_or_nothing, errors_file, user, as_json
) -> None:
    """Import a partner's spreadsheet (CSV or XLSX): each good row becomes a report, once.

    Rows go through the same commands as `tasking report`; reporter and victim columns become
    person records. Importing the same file again writes nothing; a row whose reference was
    imported before with other content is a conflict and is not applied.

    \b
    Example:
      TASKING_USER=coordinator tasking import weekly.csv --mapping examples/housing-import.toml \\
        --source HOUSING --errors weekly-errors.csv --json
    """
    login = _user(ctx, user)
    root = ctx.find_root()
    from tasking.bootstrap import Settings

    found = bootstrap(Settings.from_env(store=root.params.get("store")), batching=True)
    try:
        rules = partner_import.Mapping.load(mapping)
        with _bar() as bar:
            task = bar.add_task(f"Importing {file.name}", total=None)
            outcome = partner_import.run_import(
                found.app,
                file,
                rules,
                source,
                login,
                dry_run=dry_run,
                all_or_nothing=all_or_nothing,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        assert isinstance(found.app, BatchingApp)  # bootstrap(batching=True) makes one
        written = found.app.flushed
        duplicates_found = 0
        if outcome.cases:  # suggestions involving the new reports, from the record as it now stands
            read = found.read(user=login, action="duplicates")
            duplicates_found = len(possible_duplicates(read.db, read.config, read.point, focus=outcome.cases))
    finally:
        found.close()
    if errors_file is not None:
        partner_import.write_errors(errors_file, outcome.errors)
    refused = all_or_nothing and bool(outcome.errors) and not dry_run
    result = {
        "file": file.name,
        "rows": outcome.rows,
        "imported": outcome.imported,
        "skipped_already_imported": outcome.skipped_already_imported,
        "conflicts": outcome.conflicts,
        "errors": outcome.bad_rows,
        "events_written": written,
        "dry_run": dry_run,
        "refused": refused,
        "possible_duplicates": duplicates_found,
        "error_rows": list(partner_import.iter_dicts(outcome.errors))[:50],
    }
    if refused:
        emit(result, as_json, lambda r: "")
        first = outcome.errors[0]
        raise click.ClickException(
            f"all-or-nothing: {outcome.bad_rows} bad rows and {outcome.conflicts} conflicts; "
            f"nothing imported (first: row {first.row}, column {first.column}: {first.rule})"
        )
    emit(
        result,
        as_json,
        lambda r: (
            f"{'Would import' if dry_run else 'Imported'} {r['imported']}; skipped (already imported) "
            f"{r['skipped_already_imported']}; conflicts {r['conflicts']}; errors {r['errors']}"
            + (f" (listed in {errors_file})" if errors_file and outcome.errors else "")
            + (
                f"; {r['possible_duplicates']} possible duplicates: see `tasking duplicates`"
                if r["possible_duplicates"]
                else ""
            )
        ),
    )


@click.group("context")
def context() -> None:
    """Context figures from outside the partnership, such as police-recorded ASB (data.police.uk).

    \b
    Example:
      tasking context import-police-uk 2017-04-kent-street.csv --area-map lsoa-areas.csv
    """


@context.command("import-police-uk")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--area-map",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of 'LSOA code,area': the LSOAs in the partnership and their areas.",
)
@click.option("--at", type=DATETIME, default=None, help="When the figures were taken in (default now).")
@user_option
@json_option
@click.pass_context
def import_police_uk(ctx: click.Context, files, area_map, at, user, as_json) -> None:
    """Load data.police.uk street-level CSVs: each month's ASB incidents and crimes, by area.

    A month imported again replaces that month's figures with a new event; it never adds to them.

    \b
    Example:
      TASKING_USER=analyst tasking context import-police-uk 2017-*-kent-street.csv --area-map lsoa-areas.csv
      TASKING_USER=analyst tasking stats --year 2017 --explain police_recorded.asb_incidents
    """
    login = _user(ctx, user, "context import-police-uk")
    app = services(ctx).app
    mapped = police_uk.read_area_map(area_map, app.config) if area_map else None
    reading = police_uk.read_files(list(files), mapped)
    months = []
    for month in sorted(reading.months):
        asb, crimes, digest = reading.months[month].content()
        command = build(
            RecordPoliceMonth, user=login, at=at or utcnow(), month=month, asb=asb, crimes=crimes, files=digest
        )
        months.append(send(app, command))
    result = {
        "rows": reading.rows,
        "outside_area": reading.outside,
        "months": months,
        "asb_incidents": sum(m["asb_incidents"] for m in months),
    }
    emit(
        result,
        as_json,
        lambda r: "\n".join(
            [f"{m['month']}: {m['recorded']}, {m['asb_incidents']} ASB incidents" for m in r["months"]]
            + [f"{r['rows']} rows read; {r['outside_area']} outside the area map"]
        ),
    )
