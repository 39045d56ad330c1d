"""Year-end statistics: reproducible byte for byte, as of any position, explainable to the event.

Each event counts by its effective time (received for reports, raised for taskings, `--at` for the
rest) within the financial year, 1 April to 31 March in Europe/London. Only events recorded up to
the chosen position count, and a case's area, category and source are taken as corrected up to
that position. Every figure is the length of its list of contributing events, which `explain`
returns, so a figure and its explanation cannot disagree.

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
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from tasking.domain.vocabulary import Power, ReferralTarget
from tasking.config import PartnershipConfig
from tasking.errors import DomainError, NotFound
from tasking.projections.activity import KINDS as ACTIVITY_KINDS
from tasking.projections.activity import FEEDBACK_ACTIONS
from tasking.queries import escalation_stats
from tasking.queries import police
from tasking.queries import year_figures
from tasking.queries.point import ReadPoint
from tasking.queries.state import CaseState, case_states, incident_groups, references_where
from tasking.projections.memo import day_and_year
from tasking.time.instants import financial_year_bounds, financial_year_label, iso

POWERS: tuple[str, ...] = Power.__args__  # type: ignore[attr-defined]
REFERRALS: tuple[str, ...] = ReferralTarget.__args__  # type: ignore[attr-defined]
HEADLINE = (
    "reports",
    "asb_reports",
    "taskings",
    "follow_ups",
    "reporter_updates",
    "powers_used",
    "referrals_made",
    "cases_closed",
)
EVENT_NAMES = {kind: cls.__qualname__.rsplit(".", 1)[-1] for cls, kind in ACTIVITY_KINDS.items()}
EVENT_NAMES.update(escalation_stats.EVENT_NAMES)


def _reports(db: Database, position: int, years: tuple[int, ...]) -> dict[str, CaseState]:
    """The reports that the figures of these financial years can read, as corrected by the position
    (whatever the corrections' effective time): every report received in one of the years, and every
    other report of the same incidents (an incident counts at its earliest report, and lists them all).
    Reports of other incidents add nothing to these years' figures, so they are not read."""
    point = ReadPoint(at=None, position=position)
    wanted: set[str] = set()
    for year in years:
        start, end = (iso(bound) for bound in financial_year_bounds(year))
        wanted.update(references_where(db, point, "kind = 'report' AND at >= ? AND at < ?", [start, end]))
    groups = incident_groups(db, point)
    roots = {groups.get(ref, ref) for ref in wanted}
    wanted |= roots | {ref for ref, root in groups.items() if root in roots}
    return case_states(db, point, references=wanted, kinds=("correct",), reveal_text=False)  # figures show no free text


def _reported(db: Database, position: int, references: set[str], which: str = "") -> set[str]:
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


def _incidents(db: Database, position: int, cases: dict[str, CaseState]) -> list[list[CaseState]]:
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


def _from_resident(reports_back: Callable[[str], bool], case: CaseState) -> bool:
    return case.feedback != "report-back" and case.channel != "partner-referral" and not reports_back(case.source)


# The kinds of activity row that the figures count (besides reports): no other kind adds to a list.
_COUNTED = ("task", "follow-up", "update-reporter", "power", "refer", "close")


def _contributions(
    db: Database,
    config: PartnershipConfig,
    year: int,
    position: int,
    cases: dict[str, CaseState],
    incidents: list[list[CaseState]],
) -> dict[str, list[dict[str, Any]]]:
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
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
                if is_asb(member.category) and _from_resident(reports_back, member):
                    found[f"asb_reports_from_residents.{source}"].append(row)
        for member in incident:
            if start <= member.received_at < end:
                found["reports_received"].append(report_row(member))
    rows = db.execute(
        "SELECT position, reference, kind, at, user, acting_agency, tasked_agency, follow_up_kind, update_channel, "
        "power, referral, close_reason FROM activity "
        f"WHERE position <= ? AND at >= ? AND at < ? AND kind IN ({', '.join(repr(k) for k in _COUNTED)})",
        [position, start, end],
    ).fetchall()
    rows.sort()  # by position (the first column, unique): cheaper here than SQLite's temporary B-tree
    reported = _reported(db, position, {row[1] for row in rows} - cases.keys())
    anonymous = _reported(
        db, position, {row[1] for row in rows if row[2] == "update-reporter"}, "AND feedback = 'anonymous'"
    )
    for (
        at_position,
        reference,
        kind,
        at,
        user,
        acting_agency,
        tasked_agency,
        follow_up_kind,
        update_channel,
        power,
        referral,
        close_reason,
    ) in rows:
        if reference not in cases and reference not in reported:
            continue
        item = {
            "case": reference,
            "kind": kind,
            "position": at_position,
            "at": at,
            "user": user,
            "agency": acting_agency,
            "detail": None,
        }
        if kind == "task":
            item["detail"] = tasked_agency
            found["taskings"].append(item)
            found[f"taskings_by_agency.{tasked_agency}"].append(item)
        elif kind == "follow-up":
            item["detail"] = follow_up_kind
            found[f"follow_ups_by_kind.{follow_up_kind}"].append(item)
            if follow_up_kind in ("visit", "call"):
                found["follow_ups"].append(item)
                found[f"follow_ups_by_agency.{acting_agency}"].append(item)
        elif kind == "update-reporter":
            if reference in anonymous:  # no one to update: such an update (refused since) never counts
                continue
            item["detail"] = update_channel
            found["reporter_updates"].append(item)
        elif kind == "power":
            item["detail"] = power
            found["powers_used"].append(item)
            found[f"powers.{power}"].append(item)
        elif kind == "refer":
            item["detail"] = referral
            found["referrals_made"].append(item)
            found[f"referrals.{referral}"].append(item)
        elif kind == "close":
            item["detail"] = close_reason
            found["closures"].append(item)
    seen: set[str] = set()
    for item in found.get("closures", []):
        if item["case"] not in seen:
            seen.add(item["case"])
            found["cases_closed"].append(item)
    _feedback(db, year, position, cases, found)
    found.update(escalation_stats.contributions(db, year, position, found.get("referrals.community-marac", [])))
    return found


def _feedback(
    db: Database, year: int, position: int, cases: dict[str, CaseState], found: dict[str, list[dict[str, Any]]]
) -> None:
    """Cases reported this year that were owed feedback by year end, and those that were given it."""
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    wanted = {
        ref for ref, c in cases.items() if c.feedback in ("resident", "report-back") and start <= c.received_at < end
    }
    owed: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for ref, last_update, last_action in sorted(
        db.execute(
            "SELECT reference, MAX(CASE WHEN kind = 'update-reporter' THEN at END), "
            "MAX(CASE WHEN kind != 'update-reporter' THEN at END) FROM activity WHERE position <= ? AND at < ? AND kind IN "
            f"('update-reporter', {', '.join(repr(k) for k in FEEDBACK_ACTIONS)}) "
            # only the references that can be wanted: a range of the index, whatever the history's length
            "AND reference BETWEEN ? AND ? GROUP BY reference",
            [position, end, min(wanted, default=""), max(wanted, default="")],
        ).fetchall()
    ):
        if last_action is None or ref not in wanted:
            continue
        item = {
            "case": ref,
            "kind": "feedback",
            "detail": cases[ref].feedback,
            "last_action": last_action,
            "last_update": last_update,
        }
        owed.append(item)
        if (last_update or "") >= last_action:
            given.append(item)
    if owed:  # a figure's list exists only once something counts in it
        found["feedback_owed"] = owed
    if given:
        found["feedback_given"] = given


def _count(found: dict[str, list[Any]], prefix: str, keys: list[str] | tuple[str, ...]) -> dict[str, int]:
    names = set(keys) | {k.split(".", 1)[1] for k in found if k.startswith(prefix + ".")}
    return {name: len(found.get(f"{prefix}.{name}", [])) for name in sorted(names)}


def _figures(found: dict[str, list[Any]], config: PartnershipConfig, year: int) -> dict[str, Any]:
    start, end = financial_year_bounds(year)
    months = [f"{year + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    owed, given = len(found.get("feedback_owed", [])), len(found.get("feedback_given", []))
    return {
        "financial_year": financial_year_label(year),
        "from": iso(start),
        "to": iso(end),
        "reports": len(found.get("reports", [])),
        "reports_received": len(found.get("reports_received", [])),
        "asb_reports": len(found.get("asb_reports", [])),
        "asb_reports_from_residents": _count(found, "asb_reports_from_residents", []),
        "taskings": len(found.get("taskings", [])),
        "taskings_by_agency": _count(found, "taskings_by_agency", []),
        "follow_ups": len(found.get("follow_ups", [])),
        "follow_ups_by_agency": _count(found, "follow_ups_by_agency", []),
        "follow_ups_by_kind": _count(found, "follow_ups_by_kind", ("visit", "call", "letter", "email")),
        "reporter_updates": len(found.get("reporter_updates", [])),
        "feedback": {"owed": owed, "given": given},
        "feedback_rate": round(given / owed, 4) if owed else None,
        "powers_used": len(found.get("powers_used", [])),
        "powers": _count(found, "powers", POWERS),
        "referrals_made": len(found.get("referrals_made", [])),
        "referrals": _count(found, "referrals", REFERRALS),
        "by_area": _count(found, "by_area", config.areas.names),
        "by_category": _count(found, "by_category", list(config.categories)),
        "by_source": _count(found, "by_source", list(config.agencies)),
        "by_month": _count(found, "by_month", months),
        "cases_closed": len(found.get("cases_closed", [])),
        # case_reviews, task_and_finish_groups, community_marac
        **escalation_stats.figures(found),
    }


def _change(now: int, before: int) -> dict[str, Any]:
    return {"absolute": now - before, "percent": round((now - before) * 100 / before, 1) if before else None}


def canonical(figures: dict[str, Any]) -> str:
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def year_stats(db: Database, config: PartnershipConfig, year: int, position: int) -> dict[str, Any]:
    cases = _reports(db, position, (year, year - 1))
    incidents = _incidents(db, position, cases)
    figures = _figures(_contributions(db, config, year, position, cases, incidents), config, year)
    before = _figures(_contributions(db, config, year - 1, position, cases, incidents), config, year - 1)
    figures["previous_year"] = {
        "financial_year": before["financial_year"],
        **{key: before[key] for key in HEADLINE},
        "asb_reports_from_residents": before["asb_reports_from_residents"],
        "case_reviews": before["case_reviews"],
        "change": {key: _change(figures[key], before[key]) for key in HEADLINE}
        | {
            f"asb_reports_from_residents.{k}": _change(
                figures["asb_reports_from_residents"].get(k, 0), before["asb_reports_from_residents"].get(k, 0)
            )
            for k in sorted(set(figures["asb_reports_from_residents"]) | set(before["asb_reports_from_residents"]))
        },
    }
    _police_recorded(db, year, position, figures)
    partnership = year_figures.year_figures(db, year, position)  # the partnership's year (issue 26)
    figures["previous_year"].update(partnership.pop("previous_year"))
    figures.update(partnership)
    fingerprint = "sha256:" + hashlib.sha256(canonical(figures).encode("ascii")).hexdigest()
    return {**figures, "position": position, "fingerprint": fingerprint}


def _police_recorded(db: Database, year: int, position: int, figures: dict[str, Any]) -> None:
    """The police-recorded ASB context (data.police.uk), beside the partnership's own reports."""
    now = police.figures(police.contributions(db, year, position), year)
    before = police.figures(police.contributions(db, year - 1, position), year - 1)
    figures["police_recorded"] = now
    figures["previous_year"]["police_recorded"] = None if before is None else {"asb_incidents": before["asb_incidents"]}
    if now is not None and before is not None:
        figures["previous_year"]["change"]["police_recorded.asb_incidents"] = _change(
            now["asb_incidents"], before["asb_incidents"]
        )


def explain(db: Database, config: PartnershipConfig, year: int, position: int, figure: str) -> dict[str, Any]:
    """The cases and events behind one figure, e.g. `taskings`, `powers.CPW`, `by_area.Swanley`."""
    if figure.strip().startswith(police.PREFIX + "."):
        return _explain_police(db, year, position, figure.strip())
    if figure.strip().split(".", 1)[0].casefold() in year_figures.PREFIXES:
        return year_figures.explain(db, year, position, figure)
    cases = _reports(db, position, (year,))
    found = _contributions(db, config, year, position, cases, _incidents(db, position, cases))
    figures = _figures(found, config, year)
    aliases = {"feedback_rate": "feedback_owed", "feedback.owed": "feedback_owed", "feedback.given": "feedback_given"}
    # Every name that is one figure: a count (`taskings`) or one entry of a breakdown (`powers.CPW`).
    names = {name: name for name in ("feedback.owed", "feedback.given", "feedback_rate")}
    groups: dict[str, list[str]] = {}
    for name, value in figures.items():
        if isinstance(value, int) and not isinstance(value, bool):
            names[name] = name
        elif isinstance(value, dict) and name != "feedback":
            groups[name] = [f"{name}.{entry}" for entry in value]
            names.update({full: full for full in groups[name]})
    wanted = figure.strip()
    if wanted not in names:  # any case, where only one name matches
        matches = [name for name in names if name.casefold() == wanted.casefold()]
        if len(matches) != 1:
            head = wanted.split(".", 1)[0].casefold()
            group = next((g for g in groups if g.casefold() == head), None)
            if group is not None and "." in wanted:
                raise NotFound(
                    "explain",
                    f"unknown figure {figure!r}; {group} has: "
                    f"{', '.join(name.split('.', 1)[1] for name in groups[group])}",
                )
            known = sorted(n for n in names if "." not in n or n.startswith("feedback.")) + [
                f"{g}.NAME" for g in sorted(groups)
            ]
            if wanted in figures and figures[wanted] is None:
                raise DomainError(
                    "explain",
                    f"figure {figure!r} is not recorded by this version, so no events are behind "
                    f"it; explainable: {', '.join(known)}",
                )
            raise DomainError("explain", f"unknown figure {figure!r}; explainable: {', '.join(known)}")
        wanted = matches[0]
    key = aliases.get(wanted, wanted)
    items = []
    for row in found.get(key, []):
        if row.get("kind") == "feedback":
            items.append(
                {
                    "case": row["case"],
                    "event": None,
                    "position": None,
                    "at": row["last_action"],
                    "user": None,
                    "agency": None,
                    "detail": f"last action {row['last_action']}, last update {row['last_update']}",
                }
            )
            continue
        item = {
            "case": row["case"],
            "event": EVENT_NAMES[row["kind"]],
            "position": row["position"],
            "at": row["at"],
            "user": row["user"],
            "agency": row["agency"],
            "detail": row["detail"],
        }
        if "reports" in row:  # a report figure counts an incident: list all its reports
            item["reports"] = row["reports"]
        items.append(item)
    return {
        "figure": wanted,
        "financial_year": financial_year_label(year),
        "position": position,
        "count": len(items),
        "cases": len({item["case"] for item in items}),
        "items": items,
    }


def _explain_police(db: Database, year: int, position: int, key: str) -> dict[str, Any]:
    found = police.contributions(db, year, position) or {}
    if key not in found and key.split(".")[1] not in ("asb_incidents", "by_area", "by_month"):
        raise DomainError(
            "explain",
            f"unknown figure {key!r}; try police_recorded.asb_incidents, "
            "police_recorded.by_area.AREA or police_recorded.by_month.YYYY-MM",
        )
    items = [
        {
            "case": None,
            "event": "PoliceMonth",
            "position": row["position"],
            "at": row["at"],
            "user": row["user"],
            "agency": None,
            "detail": row["detail"],
        }
        for row in found.get(key, [])
    ]
    return {
        "figure": key,
        "financial_year": financial_year_label(year),
        "position": position,
        "count": len(items),
        "cases": 0,
        "items": items,
    }
