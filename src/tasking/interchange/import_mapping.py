"""A partner import's mapping (which column holds each report field, value maps, date formats, the
people columns), its records (`RowError`, `Prepared`, `Outcome`), and reading the file: CSV in
its declared or detected encoding, or an XLSX sheet.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasking.errors import DomainError

REPORT_FIELDS = (
    "reference",
    "received",
    "occurred",
    "source",
    "channel",
    "category",
    "area",
    "location",
    "summary",
    "risk",
    "lat",
    "lon",
    "no_feedback",
)
PERSON_FIELDS = ("name", "phone", "email", "address")
PEOPLE = ("reporter", "victim")
PERSONAL = {f"{who}_{part}" for who in PEOPLE for part in PERSON_FIELDS}
KNOWN = set(REPORT_FIELDS) | PERSONAL
VALUE_MAPS = ("category", "area", "source", "channel", "risk")
TRUE_WORDS = {"y", "yes", "true", "1", "x"}
# A stand-in time for checking a person's details when the row has no valid received time.
CHECK_ONLY = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# pydantic's field names -> the mapping's field names
FIELD_OF = {"at": "received", "occurred_at": "occurred"}


@dataclass(frozen=True)
class Mapping:
    system: str | None
    source: str | None
    columns: dict[str, str]
    constants: dict[str, str]
    values: dict[str, dict[str, str]]
    formats: tuple[str, ...]
    sheet: str | None
    encoding: str | None

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DomainError("mapping", f"cannot read {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise DomainError("mapping", f"{path.name} is not valid TOML: {exc}") from None
        columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
        constants = {str(k): str(v) for k, v in data.get("constants", {}).items()}
        for name in [*columns, *constants]:
            if name not in KNOWN:
                raise DomainError("mapping", f"{path.name}: unknown field {name!r}; known: {', '.join(sorted(KNOWN))}")
        for name in constants:
            if name in PERSONAL:
                raise DomainError("mapping", f"{path.name}: {name} must come from a column, not a constant")
        values = {}
        for name, table in data.get("values", {}).items():
            if name not in VALUE_MAPS:
                raise DomainError(
                    "mapping", f"{path.name}: values.{name}: only {', '.join(VALUE_MAPS)} have value maps"
                )
            values[name] = {str(k).strip().casefold(): str(v) for k, v in table.items()}
        formats = tuple(data.get("dates", {}).get("formats", ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M"]))
        return cls(
            system=data.get("system"),
            source=data.get("source"),
            columns=columns,
            constants=constants,
            values=values,
            formats=formats,
            sheet=data.get("sheet"),
            encoding=data.get("encoding"),
        )


@dataclass
class RowError:
    row: int
    column: str
    rule: str


@dataclass
class Prepared:
    row: int
    system: str
    reference: str
    digest: str
    report: dict[str, Any]
    people: dict[str, dict[str, Any]]


@dataclass
class Outcome:
    rows: int = 0
    imported: int = 0
    skipped_already_imported: int = 0
    conflicts: int = 0
    errors: list[RowError] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors if not error.rule.startswith("conflict")})


# --- reading files ------------------------------------------------------------------------------


def read_rows(path: Path, mapping: Mapping) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and the rows (numbered as in a spreadsheet: the header is row 1)."""
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, mapping.sheet)
    return _csv_rows(path, mapping.encoding)


def decode(data: bytes, declared: str | None = None) -> str:
    """The declared encoding; else a byte-order mark's; else UTF-8; else Windows-1252."""
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError) as exc:
            raise DomainError("encoding", f"the file is not {declared}: {type(exc).__name__}") from None
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(path: Path, encoding: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    try:
        text = decode(path.read_bytes(), encoding)
    except OSError as exc:
        raise DomainError("file", f"cannot read {path}: {exc.strerror}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    return header, [dict(zip(header, values, strict=False)) for values in reader]  # a short row: blanks


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is one line
        raise DomainError("file", f"cannot read {path.name} as XLSX: {type(exc).__name__}") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise DomainError("sheet", f"{path.name} has no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        rows = book[sheet].iter_rows(values_only=True) if sheet else book.worksheets[0].iter_rows(values_only=True)
        header = [str(value).strip() if value is not None else "" for value in next(rows, ())]
        return header, [dict(zip(header, values, strict=False)) for values in rows]
    finally:
        book.close()
