"""Year-end statistics: reproducible byte for byte, as of any position, explainable to the event.

A figure is the length of its list of contributing events (`tasking.queries.stats_lists`, which
defines what counts), which `explain` returns (`tasking.queries.stats_explain`), so a figure and its
explanation cannot disagree. The figures themselves are counted by SQL over the year's rows
(`tasking.queries.stats_counts`), and shaped by `tasking.queries.stats_figures`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.queries import police, stats_counts, stats_figures, year_figures
from tasking.queries.stats_explain import explain

__all__ = ["HEADLINE", "canonical", "explain", "year_stats"]

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


def _change(now: int, before: int) -> dict[str, Any]:
    return {"absolute": now - before, "percent": round((now - before) * 100 / before, 1) if before else None}


def canonical(figures: dict[str, Any]) -> str:
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def year_stats(db: Database, config: PartnershipConfig, year: int, position: int) -> dict[str, Any]:
    figures = stats_figures.figures(stats_counts.sizes(db, config, year, position), config, year)
    before = stats_figures.figures(stats_counts.sizes(db, config, year - 1, position), config, year - 1)
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
