"""Partner spreadsheets in: each row through the same commands and handlers as `tasking report`.

A mapping file (TOML, see `examples/housing-import.toml`) says which column holds each report
field (or a constant), how the partner's words map to ours (category, area, source, with aliases),
the date formats (local time), and which columns describe the reporter and the victim, who become
person records (`AddPerson`). Each row is then a `RecordReport`, sent inside an `ImportReport`
whose handler saves the case and the row's `ImportedRow` record together: importing the same row
again writes nothing, and a row whose reference was imported with other content is a conflict.

Errors name the row, the column and the rule, never a value: a value may be personal data.

The mapping and the reading of files are import_mapping.py's, one row import_rows.py's; this module
runs the whole file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tasking.commands import AddPerson, ImportReport, RecordReport, send
from tasking.domain.imported import ImportedRow
from tasking.errors import DomainError
from tasking.files import open_private
from tasking.interchange.cells import neutral_row
from tasking.interchange.import_mapping import Mapping, Outcome, Prepared, RowError, read_rows
from tasking.interchange.import_rows import prepare

# --- the whole file ------------------------------------------------------------------------------


def previously(app: Any, prepared: Prepared) -> tuple[bool, bool, str | None]:
    """(imported before, with other content, its case)."""
    key = ImportedRow.create_id(prepared.system, prepared.reference)
    if key not in app.repository:
        return False, False, None
    before = app.repository.get(key)
    return True, before.digest != prepared.digest, before.case


def run_import(
    app: Any,
    path: Path,
    mapping: Mapping,
    source: str | None,
    user: str,
    *,
    dry_run: bool,
    all_or_nothing: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    config = app.config
    if source is not None:
        config.check_agency(source, "source")
    header, rows = read_rows(path, mapping)
    missing = sorted({column for column in mapping.columns.values() if column not in header})
    if missing:
        raise DomainError("mapping", f"{path.name} has no column {missing[0]!r} (columns: {', '.join(header)})")
    outcome = Outcome(rows=len(rows))
    prepared: list[Prepared] = []
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values.values()):
            outcome.rows -= 1
            continue
        found = prepare(number, values, mapping, config, source, user)
        if isinstance(found, list):
            outcome.errors.extend(found)
        else:
            prepared.append(found)
    fresh: list[Prepared] = []
    seen: dict[tuple[str, str], str] = {}
    for item in prepared:  # decide every row before writing any
        key = (item.system, item.reference)
        before, changed, case = previously(app, item)
        if key in seen:
            before, changed, case = True, seen[key] != item.digest, "an earlier row of this file"
        seen.setdefault(key, item.digest)
        if before and changed:
            outcome.conflicts += 1
            outcome.errors.append(
                RowError(
                    item.row,
                    mapping.columns.get("reference", "(row)"),
                    f"conflict: imported before as {case} with different content; not applied",
                )
            )
        elif before:
            outcome.skipped_already_imported += 1
        else:
            fresh.append(item)
    write = not dry_run and not (all_or_nothing and outcome.errors)
    if not write:
        outcome.imported = len(fresh) if dry_run else 0
        return outcome
    for done, item in enumerate(fresh, start=1):
        outcome.cases.append(_send(app, item, user))
        outcome.imported += 1
        if progress is not None:
            progress(done, len(fresh))
    app.flush()
    return outcome


def _send(app: Any, item: Prepared, user: str) -> str:
    at = item.report["at"]
    refs = {
        who: send(app, AddPerson(user=user, at=at, **details), log_it=False)["person"]
        for who, details in item.people.items()
    }
    report = RecordReport(
        user=user,
        **item.report,
        reporter=refs.get("reporter"),
        anonymous="reporter" not in refs,
        victim=refs.get("victim"),
    )
    result = send(
        app,
        ImportReport(
            user=user, at=at, report=report, system=item.system, source_reference=item.reference, digest=item.digest
        ),
        log_it=False,
    )
    return result["case"]


def write_errors(path: Path, errors: list[RowError]) -> None:
    with open_private(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "column", "rule"])
        for error in sorted(errors, key=lambda e: (e.row, e.column)):
            writer.writerow(neutral_row([error.row, error.column, error.rule]))


def iter_dicts(errors: list[RowError]) -> Iterator[dict[str, Any]]:
    for error in sorted(errors, key=lambda e: (e.row, e.column)):
        yield {"row": error.row, "column": error.column, "rule": error.rule}
