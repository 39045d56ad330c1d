"""Year-end statistics: reproducible byte for byte, as of any position, explainable to the event.

Each event counts by its effective time (received for reports, raised for taskings, `--at` for the
rest) within the financial year, 1 April to 31 March in Europe/London. Only events recorded up to
the chosen position count, and a case's area, category and source are taken as corrected up to
that position. Every figure is the length of its list of contributing events, which `explain`
returns, so a figure and its explanation cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.commands.case import Power, ReferralTarget
from tasking.config import PartnershipConfig
from tasking.domain.errors import DomainError
from tasking.projections.activity import KINDS as ACTIVITY_KINDS
from tasking.projections.activity import FEEDBACK_ACTIONS
from tasking.queries import escalation_stats
from tasking.time.instants import LONDON, financial_year_bounds, financial_year_label, iso, iso_precise

POWERS: tuple[str, ...] = Power.__args__  # type: ignore[attr-defined]
REFERRALS: tuple[str, ...] = ReferralTarget.__args__  # type: ignore[attr-defined]
HEADLINE = ("reports", "asb_reports", "taskings", "follow_ups", "reporter_updates", "powers_used", "referrals_made",
            "cases_closed")
EVENT_NAMES = {kind: cls.__qualname__.rsplit(".", 1)[-1] for cls, (kind, _) in ACTIVITY_KINDS.items()}
EVENT_NAMES.update(escalation_stats.EVENT_NAMES)


def resolve_position(db: Database, position: int | None = None, as_of: dt.datetime | None = None) -> int:
    """The last notification id to include: all, up to `position`, or recorded up to `as_of`."""
    if position is not None and as_of is not None:
        raise DomainError("as-of", "give either --as-of or --position, not both")
    if position is not None:
        if position < 0:
            raise DomainError("position", "must be zero or more")
        row = db.execute("SELECT MAX(position) FROM log WHERE position <= ?", [position]).fetchone()
    elif as_of is not None:
        # Timestamps are taken when events are made, so concurrent writers can commit them out of
        # order: stop just before the first event stamped after the moment, never beyond it.
        after = db.execute("SELECT MIN(position) FROM log WHERE recorded_at > ?", [iso_precise(as_of)]).fetchone()[0]
        if after is not None:
            row = db.execute("SELECT MAX(position) FROM log WHERE position < ?", [after]).fetchone()
        else:
            row = db.execute("SELECT MAX(position) FROM log").fetchone()
    else:
        row = db.execute("SELECT MAX(position) FROM log").fetchone()
    return row[0] or 0


def _cases_as_of(db: Database, position: int) -> dict[str, dict[str, Any]]:
    """Each case's reference and its report attributes, corrected up to `position`."""
    cases: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "SELECT a.case_id, c.reference, a.source, a.area, a.category, a.feedback, a.channel, a.at FROM activity a "
        "JOIN cases c ON c.id = a.case_id WHERE a.kind = 'report' AND a.position <= ?", [position]
    ):
        cases[row["case_id"]] = dict(row)
    for row in db.query(
        "SELECT case_id, detail, value FROM activity WHERE kind = 'correction' AND position <= ? ORDER BY position",
        [position],
    ):
        if row["case_id"] in cases and row["detail"] in ("source", "area", "category"):
            cases[row["case_id"]][row["detail"]] = row["value"]
    return cases


def _contributions(db: Database, config: PartnershipConfig, year: int, position: int,
                   cases: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = [dict(r) for r in db.query(
        "SELECT position, case_id, kind, detail, value, tasking, at, user, agency FROM activity "
        "WHERE position <= ? AND at >= ? AND at < ? ORDER BY position", [position, start, end])]
    for row in rows:
        case = cases.get(row["case_id"])
        if case is None:
            continue
        row["case"] = case["reference"]
        kind, detail = row["kind"], row["detail"]
        if kind == "report":
            found["reports"].append(row)
            found[f"by_area.{case['area']}"].append(row)
            found[f"by_category.{case['category']}"].append(row)
            found[f"by_source.{case['source']}"].append(row)
            month = dt.datetime.fromisoformat(row["at"]).astimezone(LONDON).strftime("%Y-%m")
            found[f"by_month.{month}"].append(row)
            if config.is_asb(case["category"]):
                found["asb_reports"].append(row)
                if case["feedback"] != "report-back" and case["channel"] != "partner-referral" \
                        and not config.reports_back(case["source"]):
                    found[f"asb_reports_from_residents.{case['source']}"].append(row)
        elif kind == "tasking-raised":
            found["taskings"].append(row)
            found[f"taskings_by_agency.{detail}"].append(row)
        elif kind == "follow-up":
            found[f"follow_ups_by_kind.{detail}"].append(row)
            if detail in ("visit", "call"):
                found["follow_ups"].append(row)
                found[f"follow_ups_by_agency.{row['agency']}"].append(row)
        elif kind == "reporter-update":
            found["reporter_updates"].append(row)
        elif kind == "power":
            found["powers_used"].append(row)
            found[f"powers.{detail}"].append(row)
        elif kind == "referral":
            found["referrals_made"].append(row)
            found[f"referrals.{detail}"].append(row)
        elif kind == "closure":
            found["closures"].append(row)
    seen: set[str] = set()
    for row in found.get("closures", []):
        if row["case_id"] not in seen:
            seen.add(row["case_id"])
            found["cases_closed"].append(row)
    _feedback(db, year, position, cases, found)
    found.update(escalation_stats.contributions(db, year, position, found.get("referrals.community-marac", [])))
    return found


def _feedback(db: Database, year: int, position: int, cases: dict[str, dict[str, Any]],
              found: dict[str, list[dict[str, Any]]]) -> None:
    """Cases reported this year that were owed feedback by year end, and those that were given it."""
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    wanted = {cid for cid, c in cases.items() if c["feedback"] in ("resident", "report-back") and start <= c["at"] < end}
    last: dict[str, dict[str, str]] = defaultdict(dict)
    for row in db.query(
        "SELECT case_id, kind, MAX(at) AS at FROM activity WHERE position <= ? AND at < ? AND kind IN "
        f"('reporter-update', {', '.join(repr(k) for k in FEEDBACK_ACTIONS)}) GROUP BY case_id, kind", [position, end]
    ):
        if row["case_id"] in wanted:
            slot = "update" if row["kind"] == "reporter-update" else "action"
            last[row["case_id"]][slot] = max(last[row["case_id"]].get(slot, ""), row["at"])
    for case_id in sorted(last, key=lambda cid: cases[cid]["reference"]):
        marks = last[case_id]
        if "action" not in marks:
            continue
        item = {"case": cases[case_id]["reference"], "case_id": case_id, "kind": "feedback",
                "detail": cases[case_id]["feedback"], "last_action": marks["action"], "last_update": marks.get("update")}
        found["feedback_owed"].append(item)
        if marks.get("update", "") >= marks["action"]:
            found["feedback_given"].append(item)


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
    cases = _cases_as_of(db, position)
    figures = _figures(_contributions(db, config, year, position, cases), config, year)
    before = _figures(_contributions(db, config, year - 1, position, cases), config, year - 1)
    figures["previous_year"] = {
        "financial_year": before["financial_year"],
        **{key: before[key] for key in HEADLINE},
        "asb_reports_from_residents": before["asb_reports_from_residents"],
        "case_reviews": before["case_reviews"],
        "change": {key: _change(figures[key], before[key]) for key in HEADLINE}
        | {f"asb_reports_from_residents.{k}": _change(figures["asb_reports_from_residents"].get(k, 0),
                                                       before["asb_reports_from_residents"].get(k, 0))
           for k in sorted(set(figures["asb_reports_from_residents"]) | set(before["asb_reports_from_residents"]))},
    }
    fingerprint = "sha256:" + hashlib.sha256(canonical(figures).encode("ascii")).hexdigest()
    return {**figures, "position": position, "fingerprint": fingerprint}


def explain(db: Database, config: PartnershipConfig, year: int, position: int, figure: str) -> dict[str, Any]:
    """The cases and events behind one figure, e.g. `taskings`, `powers.CPW`, `by_area.Swanley`."""
    cases = _cases_as_of(db, position)
    found = _contributions(db, config, year, position, cases)
    key = figure.strip()
    aliases = {"feedback_rate": "feedback_owed", "feedback.owed": "feedback_owed", "feedback.given": "feedback_given"}
    key = aliases.get(key, key)
    figures = _figures(found, config, year)
    head = key.split(".", 1)[0]
    if key not in found and head not in figures and key not in ("feedback_owed", "feedback_given"):
        known = ", ".join(k for k, v in figures.items() if isinstance(v, (int, dict)) and k not in ("feedback",))
        raise DomainError("explain", f"unknown figure {figure!r}; try one of: {known} (or e.g. powers.CPW)")
    items = []
    for row in found.get(key, []):
        if row.get("kind") == "feedback":
            items.append({"case": row["case"], "event": None, "position": None, "at": row["last_action"],
                          "user": None, "agency": None,
                          "detail": f"last action {row['last_action']}, last update {row['last_update']}"})
            continue
        items.append({"case": row["case"], "event": EVENT_NAMES[row["kind"]], "position": row["position"],
                      "at": row["at"], "user": row["user"], "agency": row["agency"],
                      "detail": row["detail"] if row["kind"] != "tasking-completed" else row["tasking"]})
    return {"figure": figure, "financial_year": financial_year_label(year), "position": position,
            "count": len(items), "cases": len({item["case"] for item in items}), "items": items}
