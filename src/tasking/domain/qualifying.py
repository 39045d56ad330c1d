"""The ASB case review threshold: which reports are qualifying complaints. A pure function.

ASB, Crime and Policing Act 2014 s.104 and its statutory guidance. A report counts when all hold:

- its category is an ASB category;
- the applicant is its reporter or its victim, or the application names its case;
- it was received within one calendar month of the behaviour occurring;
- it was received within six calendar months before the application.

Reports of one incident (linked `same-incident`) count once, at the earliest report. Calendar
months are counted in Europe/London wall-clock time, so a clock change moves no boundary by an
hour. The assessment sees the record as it stood: reports received, links made and everything
recorded after the assessment are left out, so a later complaint never changes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tasking.time.instants import months_before

_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
}


def months_text(count: int) -> str:
    """`one month`, `six months`: the issue's words for a number of calendar months."""
    return f"{_WORDS.get(count, str(count))} month{'s' if count != 1 else ''}"


def months_after(value: dt.datetime, months: int) -> dt.datetime:
    """The same Europe/London wall-clock time `months` calendar months later (day clipped to month end)."""
    return months_before(value, -months)


@dataclass(frozen=True)
class Complaint:
    """One report as it stood at the assessment (corrections effective by then applied)."""

    case: str
    asb: bool
    reporter: str | None
    victim: str | None
    occurred_at: dt.datetime
    received_at: dt.datetime
    recorded_at: dt.datetime
    place: str = ""  # area and normalised location, for the local rule on complainants
    hate: bool = False


@dataclass(frozen=True)
class IncidentLink:
    """Two cases linked as one incident, effective `at`, recorded `recorded_at`."""

    case: str
    to: str
    at: dt.datetime
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Application:
    applicant: str
    received_at: dt.datetime
    cases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rules:
    threshold: int = 3
    complaint_within_months: int = 1
    application_within_months: int = 6
    different_complainants: int = 0  # local rule: this many complainants about one location; 0 is off
    hate_incident: bool = False  # local rule: a single qualifying hate incident

    def in_force(self) -> list[str]:
        applied = [f"threshold: {self.threshold} qualifying complaint{'s' if self.threshold != 1 else ''}"]
        if self.different_complainants:
            applied.append(
                f"local: {self.different_complainants} different complainants about the same location "
                f"in {months_text(self.application_within_months)}"
            )
        if self.hate_incident:
            applied.append("local: a single qualifying hate incident")
        return applied


@dataclass(frozen=True)
class Assessment:
    threshold_met: bool
    qualifying: list[str]
    excluded: list[dict[str, str]]
    rules_applied: list[str]
    met_by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold_met": self.threshold_met,
            "qualifying": list(self.qualifying),
            "excluded": [dict(item) for item in self.excluded],
            "rules_applied": list(self.rules_applied),
            "met_by": list(self.met_by),
        }


def _incidents(links: Iterable[IncidentLink]) -> dict[str, str]:
    """Map each linked case to one member of its incident (union-find over the links)."""
    parent: dict[str, str] = {}

    def find(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    for link in links:
        a, b = find(link.case), find(link.to)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {ref: find(ref) for ref in parent}


def _test(complaint: Complaint, application: Application, rules: Rules) -> str | None:
    """The first test the complaint fails, in the issue's words; None when it passes them all."""
    if not complaint.asb:
        return "not an ASB category"
    if complaint.received_at > months_after(complaint.occurred_at, rules.complaint_within_months):
        return f"received more than {months_text(rules.complaint_within_months)} after the behaviour"
    if complaint.received_at > application.received_at:
        return "received after the application"
    if complaint.received_at < months_before(application.received_at, rules.application_within_months):
        return f"received more than {months_text(rules.application_within_months)} before the application"
    return None


def assess(
    application: Application,
    complaints: Iterable[Complaint],
    links: Iterable[IncidentLink],
    rules: Rules,
    at: dt.datetime,
    recorded_by: dt.datetime,
) -> Assessment:
    """Decide the threshold as the record stood at the assessment (`at` effective, `recorded_by` recorded)."""
    known = [c for c in complaints if c.received_at <= at and c.recorded_at <= recorded_by]
    incident = _incidents(link for link in links if link.at <= at and link.recorded_at <= recorded_by)
    applicant = application.applicant
    considered = sorted(
        (c for c in known if applicant in (c.reporter, c.victim) or c.case in application.cases),
        key=lambda c: (c.received_at, c.case),
    )
    excluded: list[dict[str, str]] = []
    counted: dict[str, str] = {}  # incident -> the case that counts for it
    qualifying: list[Complaint] = []
    for complaint in considered:
        reason = _test(complaint, application, rules)
        group = incident.get(complaint.case, complaint.case)
        if reason is None and group in counted:
            reason = f"same incident as {counted[group]}"
        if reason is not None:
            excluded.append({"case": complaint.case, "reason": reason})
            continue
        counted[group] = complaint.case
        qualifying.append(complaint)

    met_by = []
    if len(qualifying) >= rules.threshold:
        met_by.append(rules.in_force()[0])
    if rules.hate_incident and any(c.hate for c in qualifying):
        met_by.append("local: a single qualifying hate incident")
    if rules.different_complainants:
        places = {c.place for c in considered if c.place}
        by_place: dict[str, set[str]] = {}
        for complaint in known:
            if complaint.place in places and complaint.reporter and _test(complaint, application, rules) is None:
                by_place.setdefault(complaint.place, set()).add(complaint.reporter)
        if any(len(people) >= rules.different_complainants for people in by_place.values()):
            met_by.append(rules.in_force()[1])
    return Assessment(
        threshold_met=bool(met_by),
        qualifying=[c.case for c in qualifying],
        excluded=excluded,
        rules_applied=rules.in_force(),
        met_by=met_by,
    )
