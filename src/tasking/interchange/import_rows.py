"""One row of a partner import: its cells mapped and checked into a `RecordReport` (and the people
it names into `AddPerson`s); an error names the row, the column and the rule, never a value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import ValidationError

from tasking.commands import AddPerson, RecordReport
from tasking.config import PartnershipConfig
from tasking.errors import DomainError
from tasking.interchange.import_mapping import (
    CHECK_ONLY,
    FIELD_OF,
    KNOWN,
    PEOPLE,
    PERSON_FIELDS,
    TRUE_WORDS,
    Mapping,
    Prepared,
    RowError,
)
from tasking.time.instants import UTC, wall_clock

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
                AddPerson(user=user, at=received or CHECK_ONLY, **details)
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
    if row.errors or not agency:  # a row without an agency has failed above
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
            row.fail(FIELD_OF.get(name, name), message)
        return row.errors
    return Prepared(
        row=number,
        system=mapping.system or agency,
        reference=reference,
        digest=digest,
        report={**fields, "at": received},
        people=people,
    )
