"""Commands that bring data in: a partner's row, a month of police.uk figures, a dismissed duplicate."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tasking.commands.base import Code, Command, Narrative, Ref, Text
from tasking.commands.case import RecordReport


class ImportReport(Command):
    """One row of a partner's file: the very `RecordReport` the CLI sends, plus where it came from.

    `system` and `source_reference` identify the row in the partner's own system; `digest` is a
    hash of its mapped content. `at` is the report's received time.
    """

    report: RecordReport
    system: Code
    source_reference: Text
    digest: Text


class RecordPoliceMonth(Command):
    """A month of police.uk street-level data for the partnership: `month` is `YYYY-MM`."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    asb: tuple[tuple[Any, ...], ...]
    crimes: dict[str, dict[str, int]]
    files: tuple[str, ...]


class DismissDuplicate(Command):
    """Two reports suggested as one incident are not: never suggest the pair again."""

    case: Ref
    other: Ref
    reason: Narrative
