"""`tasking stats --explain FIGURE`: the cases and events behind one figure of the year statistics,
from the same lists whose sizes the figures are (`tasking.queries.stats_lists`)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.errors import DomainError, NotFound
from tasking.projections.activity import KINDS as ACTIVITY_KINDS
from tasking.queries import escalation_stats, police, stats_figures, stats_lists, stats_reports, year_figures
from tasking.time.instants import financial_year_label

EVENT_NAMES = {kind: cls.__qualname__.rsplit(".", 1)[-1] for cls, kind in ACTIVITY_KINDS.items()}
EVENT_NAMES.update(escalation_stats.EVENT_NAMES)


def explain(db: Database, config: PartnershipConfig, year: int, position: int, figure: str) -> dict[str, Any]:
    """The cases and events behind one figure, e.g. `taskings`, `powers.CPW`, `by_area.Swanley`."""
    if figure.strip().startswith(police.PREFIX + "."):
        return _explain_police(db, year, position, figure.strip())
    if figure.strip().split(".", 1)[0].casefold() in year_figures.PREFIXES:
        return year_figures.explain(db, year, position, figure)
    cases = stats_reports.reports(db, position, (year,))
    found = stats_lists.contributions(db, config, year, position, cases, stats_reports.incidents(db, position, cases))
    figures = stats_figures.figures(stats_figures.of_lists(found), config, year)
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
