"""Cells that a spreadsheet will not run (issue 21, 27): OWASP's CSV-injection rule for every
CSV and XLSX the engine writes, and real dates in XLSX.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (what Excel,
LibreOffice and Google Sheets read as the start of a formula) gets a single quote in front, so
it is shown as the text it is and never evaluated. Numbers are left alone (a negative figure is
a number, not text).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def neutral(value: Any) -> Any:
    """The value as a spreadsheet may safely hold it: formula-like text quoted, anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutral_row(values: list[Any]) -> list[Any]:
    return [neutral(value) for value in values]


def xlsx_value(value: Any) -> Any:
    """For XLSX: an ISO date is a date and an ISO time a (UTC, naive: Excel has no zones) datetime,
    so a spreadsheet sorts and filters them as dates; text is neutralised."""
    if isinstance(value, str):
        if _ISO_TIME.fullmatch(value):
            return (
                dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc).replace(tzinfo=None)
            )
        if _ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    return neutral(value)
