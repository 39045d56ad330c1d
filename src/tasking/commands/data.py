"""Commands that bring data in: a partner's row (`ImportReport`, `tasking import`), a month of
police.uk figures (`RecordPoliceMonth`, `tasking context import-police-uk`) and a dismissed
duplicate (`DismissDuplicate`, `tasking duplicates dismiss`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tasking.commands.base import Code, Command, Narrative, Ref, Text
from tasking.commands.case.report import RecordReport, new_case
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.duplicates import DuplicateDismissal
from tasking.domain.imported import ImportedRow
from tasking.domain.police import PoliceMonth
from tasking.errors import DomainError
from tasking.store.application import TaskingApp


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


@handler
def import_report(app: TaskingApp, cmd: ImportReport) -> Result:
    """Open a case from a partner's row, once: the row's record is saved with the case, in one save."""
    login, agency = acting(app, cmd)
    key = ImportedRow.create_id(cmd.system, cmd.source_reference)
    if key in app.repository:
        before: ImportedRow = app.repository.get(key)
        return {"case": before.case, "imported": False, "conflict": before.digest != cmd.digest}
    sequence, case = new_case(app, cmd.report, login, agency)
    row = ImportedRow(
        source=cmd.system,
        source_reference=cmd.source_reference,
        digest=cmd.digest,
        case=case.reference,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, case, row)
    return {"case": case.reference, "imported": True, "conflict": False}


@handler
def record_police_month(app: TaskingApp, cmd: RecordPoliceMonth) -> Result:
    """Record a month's figures, or replace them with a new event; the same figures again change nothing."""
    login, agency = acting(app, cmd)
    asb, files = [list(item) for item in cmd.asb], list(cmd.files)
    key = PoliceMonth.create_id(cmd.month)
    month: PoliceMonth
    if key in app.repository:
        month = app.repository.get(key)
        if month.digest == files:
            return {"month": cmd.month, "recorded": "unchanged", "asb_incidents": len(asb)}
        month.replace(asb=asb, crimes=cmd.crimes, files=files, user=login, agency=agency, at=cmd.effective)
        outcome = "replaced"
    else:
        month = PoliceMonth(
            month=cmd.month, asb=asb, crimes=cmd.crimes, files=files, user=login, agency=agency, at=cmd.effective
        )
        outcome = "recorded"
    app.save(month)
    return {"month": cmd.month, "recorded": outcome, "asb_incidents": len(asb)}


@handler
def dismiss_duplicate(app: TaskingApp, cmd: DismissDuplicate) -> Result:
    login, agency = acting(app, cmd)
    case, other = app.get_case(cmd.case), app.get_case(cmd.other, "other")
    if case.reference == other.reference:
        raise DomainError("other", "a case cannot be a duplicate of itself")
    if DuplicateDismissal.create_id(case.reference, other.reference) in app.repository:
        raise DomainError("other", f"{case.reference} and {other.reference} were already dismissed as duplicates")
    app.save(
        DuplicateDismissal(
            case=case.reference, other=other.reference, reason=cmd.reason, user=login, agency=agency, at=cmd.effective
        )
    )
    return {"case": case.reference, "other": other.reference, "dismissed": True}
