"""The year statistics' report lists: which reports a year's figures read, as corrected by the
position, grouped into incidents, and each report figure's list of contributing reports.

Incidents are counted once. Reports joined by `same-incident` links recorded by the position
(transitively) form one incident. `reports`, `asb_reports`, `by_area`, `by_category` and `by_month`
count each incident once, in the financial year of its earliest report (earliest received, then
lowest reference), with that report's details as corrected. `by_source` and
`asb_reports_from_residents` count each receiving agency once per incident, at that agency's own
first report of it, with that report's details. `reports_received` counts every report.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.projections.memo import day_and_year
from tasking.queries.point import ReadPoint
from tasking.queries.state import CaseState, case_states, incident_groups, references_where
from tasking.time.instants import financial_year_bounds, iso


def year_span(year: int) -> tuple[str, str]:
    """The financial year's bounds, `[start, end)`, in the canonical UTC text the rows' times are in."""
    start, end = financial_year_bounds(year)
    return iso(start), iso(end)


def reports(db: Database, position: int, years: tuple[int, ...]) -> dict[str, CaseState]:
    """The reports that the figures of these financial years can read, as corrected by the position
    (whatever the corrections' effective time): every report received in one of the years, and every
    other report of the same incidents (an incident counts at its earliest report, and lists them all).
    Reports of other incidents add nothing to these years' figures, so they are not read."""
    point = ReadPoint(at=None, position=position)
    wanted: set[str] = set()
    for year in years:
        start, end = year_span(year)
        wanted.update(references_where(db, point, "kind = 'report' AND at >= ? AND at < ?", [start, end]))
    groups = incident_groups(db, point)
    roots = {groups.get(ref, ref) for ref in wanted}
    wanted |= roots | {ref for ref, root in groups.items() if root in roots}
    return case_states(db, point, references=wanted, kinds=("correct",), reveal_text=False)  # figures show no free text


def reported(db: Database, position: int, references: set[str], which: str = "") -> set[str]:
    """Which of these references have a report recorded by the position (`which`: a further
    condition on the report row, e.g. `AND feedback = 'anonymous'`)."""
    if not references:
        return set()
    return set(
        references_where(
            db,
            ReadPoint(at=None, position=position),
            f"kind = 'report' {which} AND reference IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(references))],
        )
    )


def incidents(db: Database, position: int, cases: dict[str, CaseState]) -> list[list[CaseState]]:
    """Reports joined by `same-incident` links recorded by the position: earliest report first."""
    groups = incident_groups(db, ReadPoint(at=None, position=position))
    incidents: dict[str, list[CaseState]] = defaultdict(list)
    for ref, case in cases.items():
        incidents[groups.get(ref, ref)].append(case)
    for members in incidents.values():
        members.sort(key=lambda c: (c.received_at, c.reference))
    return sorted(incidents.values(), key=lambda m: (m[0].received_at, m[0].reference))


def _report_row(case: CaseState, incident: list[CaseState]) -> dict[str, Any]:
    first = case.rows[0]
    return {
        "case": case.reference,
        "kind": "report",
        "position": first["position"],
        "at": case.received_at,
        "user": case.reported_by,
        "agency": case.reporting_agency,
        "detail": case.category,
        "reports": [member.reference for member in incident],
    }


def from_resident(reports_back: Callable[[str], bool], feedback: str, channel: str, source: str) -> bool:
    """A report made by a resident: not a partner's report back, nor a partner's referral."""
    return feedback != "report-back" and channel != "partner-referral" and not reports_back(source)


def report_lists(
    config: PartnershipConfig, year: int, incidents: list[list[CaseState]], found: dict[str, list[dict[str, Any]]]
) -> None:
    """The report figures' lists: each incident once at its earliest report, each receiving agency once
    at its own first report of the incident, and every report received in the year."""
    start, end = year_span(year)
    # Asked once per category and per source of the configuration, not once per report.
    is_asb, reports_back = functools.cache(config.is_asb), functools.cache(config.reports_back)

    for incident in incidents:
        made: dict[str, dict[str, Any]] = {}  # one row per report of the incident, shared by the lists it counts in

        def report_row(
            case: CaseState, incident: list[CaseState] = incident, made: dict[str, dict[str, Any]] = made
        ) -> dict[str, Any]:
            row = made.get(case.reference)
            if row is None:
                row = made[case.reference] = _report_row(case, incident)
            return row

        first = incident[0]
        if start <= first.received_at < end:  # the incident counts once, at its earliest report
            row = report_row(first)
            found["reports"].append(row)
            found[f"by_area.{first.area}"].append(row)
            found[f"by_category.{first.category}"].append(row)
            month = day_and_year(dt.datetime.fromisoformat(first.received_at))[0][:7]  # type: ignore[index]
            found[f"by_month.{month}"].append(row)
            if is_asb(first.category):
                found["asb_reports"].append(row)
        firsts: dict[str, CaseState] = {}
        for member in incident:  # each receiving agency counts once, at its own first report
            firsts.setdefault(member.source, member)
        for source, member in sorted(firsts.items()):
            if start <= member.received_at < end:
                row = report_row(member)
                found[f"by_source.{source}"].append(row)
                if is_asb(member.category) and from_resident(reports_back, member.feedback, member.channel, source):
                    found[f"asb_reports_from_residents.{source}"].append(row)
        for member in incident:
            if start <= member.received_at < end:
                found["reports_received"].append(report_row(member))
