"""Pseudonymised exports for analysts: cases, taskings, activity and incidents as CSV, JSON or XLSX.

Rows come from the same fold every read uses, as recorded by a position. They carry no personal
detail and no free text (summaries, actions, results, outcomes, notes, reasons are left out), and
every person or user reference is replaced by a keyed hash whose key is drawn afresh for each
export: rows of one export can be joined on it, two exports cannot be joined to each other.

The rows are export_rows.py's; this module keeps restricted cases as outlines and writes the files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasking.errors import DomainError
from tasking.files import open_private, write_private_text
from tasking.interchange.cells import neutral, neutral_row, xlsx_value
from tasking.interchange.export_rows import FORMATS, KINDS, PSEUDONYMISED, Pseudonyms, rows
from tasking.queries.access import in_full, record_read, restricted_cases
from tasking.queries.point import Reader, ReadPoint

__all__ = [
    "FORMATS",
    "KINDS",
    "OUTLINE_COLUMNS",
    "PSEUDONYMISED",
    "Pseudonyms",
    "export",
    "outline_rows",
    "rows",
    "views_metadata",
]

OUTLINE_COLUMNS = {
    "cases": ("case", "incident", "financial_year", "received_at", "area"),
    "taskings": ("case", "tasking", "financial_year", "area"),
    "activity": ("position", "reference", "kind", "at", "area"),
    "incidents": ("incident", "financial_year", "reports", "cases", "first_received_at", "area"),
}


def _row_cases(kind: str, row: dict[str, Any]) -> list[str]:
    if kind == "incidents":
        return row["cases"].split(";")
    return [row["reference" if kind == "activity" else "case"]]


def outline_rows(reader: Reader, kind: str, found: list[dict[str, Any]]) -> list[str]:
    """The outline rule on export rows, in place: a row about a restricted case the reader may not
    see in full keeps only `OUTLINE_COLUMNS` (an incident, when any of its reports is such a case);
    every row says `restricted`. Returns the restricted cases shown in full (for the access log)."""
    point = ReadPoint(at=None, position=reader.point.position)
    restricted = restricted_cases(reader, point, {ref for row in found for ref in _row_cases(kind, row)})
    hidden = {ref for ref, state in restricted.items() if not in_full(reader, state)}
    keep = OUTLINE_COLUMNS[kind]
    for row in found:
        cases = _row_cases(kind, row)
        row["restricted"] = any(ref in restricted for ref in cases)
        if hidden.intersection(cases):
            row.update({column: None for column in row if column not in keep and column != "restricted"})
    return sorted(set(restricted) - hidden)


def _write_csv(path: Path, kind: str, found: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    with open_private(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(found[0]) if found else ["none"])
        writer.writeheader()
        writer.writerows({column: neutral(value) for column, value in row.items()} for row in found)


def _write_json(path: Path, kind: str, found: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    write_private_text(path, json.dumps({**meta, "rows": found}, indent=2, ensure_ascii=False) + "\n")


def _write_xlsx(path: Path, kind: str, found: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    columns = list(found[0]) if found else []
    sheet.append(columns)
    for row in found:
        sheet.append([xlsx_value(row[column]) for column in columns])
    about = book.create_sheet("about")
    for key, value in {**meta, "times": "dates and times are UTC"}.items():
        about.append(neutral_row([key, value]))
    with open_private(path, "wb") as out:
        book.save(out)


WRITERS: dict[str, Callable[[Path, str, list[dict[str, Any]], dict[str, Any]], None]] = {
    "csv": _write_csv,
    "json": _write_json,
    "xlsx": _write_xlsx,
}


def export(reader: Reader, kind: str, fmt: str, out: Path, year: int | None = None) -> dict[str, Any]:
    if fmt not in WRITERS:
        raise DomainError("format", f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not out.parent.is_dir():
        raise DomainError("out", f"folder {out.parent} does not exist")
    found = rows(reader, kind, year, Pseudonyms())
    shown = outline_rows(reader, kind, found)
    meta = {
        "export": kind,
        "position": reader.point.position,
        "financial_year": None if year is None else f"{year}/{(year + 1) % 100:02d}",
        "pseudonymised": PSEUDONYMISED,
    }
    WRITERS[fmt](out, kind, found, meta)
    record_read(reader, "export", shown, f"restricted cases in the {kind} export")
    return {**meta, "format": fmt, "rows": len(found), "out": str(out)}


def views_metadata(views_path: str | Path) -> dict[str, Any]:
    """The shipped Datasette metadata (titles and column descriptions), keyed by this views file's name."""
    from importlib import resources

    shipped = json.loads(resources.files("tasking").joinpath("views-metadata.json").read_text(encoding="utf-8"))
    tables = shipped["databases"].pop("tasking.views")["tables"]
    shipped["databases"] = {Path(views_path).stem: {"tables": tables}}
    return shipped
