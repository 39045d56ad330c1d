"""Partner spreadsheets in: each row through the same commands and handlers as `tasking report`.

A mapping file (TOML, see `examples/housing-import.toml`) says which column holds each report
field (or a constant), how the partner's words map to ours (category, area, source, with aliases),
the date formats (local time), and which columns describe the reporter and the victim, who become
person records (`AddPerson`). Each row is then a `RecordReport`, sent inside an `ImportReport`
whose handler saves the case and the row's `ImportedRow` record together: importing the same row
again writes nothing, and a row whose reference was imported with other content is a conflict.

Errors name the row, the column and the rule, never a value: a value may be personal data.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tasking.commands import AddPerson, ImportReport, RecordReport, send
from tasking.config import PartnershipConfig
from tasking.interchange.cells import neutral_row
from tasking.errors import DomainError
from tasking.domain.imported import ImportedRow
from tasking.files import open_private
from tasking.time.instants import UTC, wall_clock

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
_CHECK_ONLY = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# pydantic's field names -> the mapping's field names
_FIELD_OF = {"at": "received", "occurred_at": "occurred"}


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


# --- one row -------------------------------------------------------------------------------------


class _Row:
    def __init__(self, number: int, values: dict[str, Any], mapping: Mapping) -> None:
        self.number, self.values, self.mapping = number, values, mapping
        self.errors: list[RowError] = []

    def column(self, name: str) -> str:
        return self.mapping.columns.get(name, f"({name})")

    def fail(self, name: str, rule: str) -> None:
        self.errors.append(RowError(self.number, self.column(name), f"{name}: {rule}"))

    def raw(self, name: str) -> Any:
        if name in self.mapping.columns:
            value = self.values.get(self.mapping.columns[name])
            if isinstance(value, str):
                value = value.strip()
            return None if value in (None, "") else value
        return self.mapping.constants.get(name)

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        text = str(value)
        table = self.mapping.values.get(name)
        return table.get(text.casefold(), text) if table else text

    def when(self, name: str) -> dt.datetime | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, dt.datetime):  # a spreadsheet's date cell: local wall-clock time
            return self._instant(name, value, value.isoformat(sep=" ", timespec="minutes"))
        for fmt in self.mapping.formats:
            try:
                parsed = dt.datetime.strptime(str(value), fmt)
            except ValueError:
                continue
            return self._instant(name, parsed, str(value))
        self.fail(name, f"not a date in the mapping's formats ({', '.join(self.mapping.formats)})")
        return None

    def _instant(self, name: str, value: dt.datetime, text: str) -> dt.datetime | None:
        """UTC; a local time through the CLI's rule (issue 21, 28): a time in the spring gap or the
        autumn overlap is refused with the CLI's message, never guessed."""
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        try:
            return wall_clock(value, text, name).astimezone(UTC)
        except DomainError as exc:
            self.fail(name, exc.rule)
            return None

    def number_(self, name: str) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.fail(name, "not a number")
            return None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def prepare(
    number: int, values: dict[str, Any], mapping: Mapping, config: PartnershipConfig, source: str | None, user: str
) -> Prepared | list[RowError]:
    """Map and validate one row, exactly as the handler will (without writing): a report, or its errors."""
    row = _Row(number, values, mapping)
    mapped = {name: _plain(row.raw(name)) for name in sorted(KNOWN) if row.raw(name) is not None}
    digest = "sha256:" + hashlib.sha256(json.dumps(mapped, sort_keys=True).encode()).hexdigest()
    reference = row.text("reference") or "row-" + digest.removeprefix("sha256:")[:20]
    agency = row.text("source") or source or mapping.source
    if not agency:
        row.fail("source", "is required: map a source column, a constant, or pass --source AGENCY")
    received, occurred = row.when("received"), row.when("occurred")
    if received is None and not any(e.column == row.column("received") for e in row.errors):
        row.fail("received", "is required")
    if occurred is None and not any(e.column == row.column("occurred") for e in row.errors):
        occurred = received  # no separate time of the behaviour: it is when it was reported
    fields: dict[str, Any] = {
        "source": agency,
        "category": row.text("category"),
        "area": row.text("area"),
        "location": row.text("location"),
        "summary": row.text("summary"),
        "occurred_at": occurred,
        "lat": row.number_("lat"),
        "lon": row.number_("lon"),
        "no_feedback": (row.text("no_feedback") or "").casefold() in TRUE_WORDS,
    }
    for name in ("category", "area", "location", "summary"):
        if fields[name] is None:
            row.fail(name, "is required")
    for name in ("channel", "risk"):
        if row.text(name) is not None:
            fields[name] = row.text(name)
    people: dict[str, dict[str, Any]] = {}
    for who in PEOPLE:
        details = {part: row.text(f"{who}_{part}") for part in PERSON_FIELDS if row.text(f"{who}_{part}") is not None}
        if details and "name" not in details:
            row.fail(f"{who}_name", f"is required when the {who}'s other details are given")
        elif details:
            try:
                AddPerson(user=user, at=received or _CHECK_ONLY, **details)
            except ValidationError as exc:
                for error in exc.errors():  # the rule only: never the value of a personal field
                    part = str(error["loc"][0]) if error["loc"] else "name"
                    row.fail(f"{who}_{part}", error["msg"].removeprefix("Value error, "))
            people[who] = details
    for name, check in (
        ("source", config.check_agency),
        ("category", config.check_category),
        ("area", config.check_area),
    ):
        if fields[name] is not None:
            try:
                fields[name] = check(fields[name], name)
            except DomainError as exc:
                row.fail(name, exc.rule)
    if row.errors:
        return row.errors
    draft = {
        **fields,
        "reporter": "PER-00000" if "reporter" in people else None,
        "anonymous": "reporter" not in people,
        "victim": "PER-00000" if "victim" in people else None,
    }
    try:
        RecordReport(user=user, at=received, **draft)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            message = error["msg"].removeprefix("Value error, ")
            if loc:
                name = loc[0]
            else:  # a rule across fields names its field first: "occurred: must not be after ..."
                name, _, message = message.partition(": ")
            row.fail(_FIELD_OF.get(name, name), message)
        return row.errors
    return Prepared(
        row=number,
        system=mapping.system or agency,
        reference=reference,
        digest=digest,
        report={**fields, "at": received},
        people=people,
    )


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
