"""The year statistics' figures from the sizes of their lists: counts and breakdowns, in the one
shape that `tasking stats` prints and fingerprints (`tasking.queries.stats`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from tasking.config import PartnershipConfig
from tasking.domain.vocabulary import Power, ReferralTarget
from tasking.queries import escalation_stats
from tasking.time.instants import financial_year_bounds, financial_year_label, iso

POWERS: tuple[str, ...] = get_args(Power)
REFERRALS: tuple[str, ...] = get_args(ReferralTarget)


def _count(sizes: Mapping[str, int], prefix: str, keys: list[str] | tuple[str, ...]) -> dict[str, int]:
    names = set(keys) | {k.split(".", 1)[1] for k in sizes if k.startswith(prefix + ".")}
    return {name: sizes.get(f"{prefix}.{name}", 0) for name in sorted(names)}


def of_lists(found: Mapping[str, list[Any]]) -> dict[str, int]:
    """The sizes of the lists that hold something (a list exists only once something counts in it)."""
    return {key: len(items) for key, items in found.items() if items}


def figures(sizes: Mapping[str, int], config: PartnershipConfig, year: int) -> dict[str, Any]:
    """One year's figures from the sizes of their lists (`of_lists`, or `stats_counts.sizes`)."""
    start, end = financial_year_bounds(year)
    months = [f"{year + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    owed, given = sizes.get("feedback_owed", 0), sizes.get("feedback_given", 0)
    return {
        "financial_year": financial_year_label(year),
        "from": iso(start),
        "to": iso(end),
        "reports": sizes.get("reports", 0),
        "reports_received": sizes.get("reports_received", 0),
        "asb_reports": sizes.get("asb_reports", 0),
        "asb_reports_from_residents": _count(sizes, "asb_reports_from_residents", []),
        "taskings": sizes.get("taskings", 0),
        "taskings_by_agency": _count(sizes, "taskings_by_agency", []),
        "follow_ups": sizes.get("follow_ups", 0),
        "follow_ups_by_agency": _count(sizes, "follow_ups_by_agency", []),
        "follow_ups_by_kind": _count(sizes, "follow_ups_by_kind", ("visit", "call", "letter", "email")),
        "reporter_updates": sizes.get("reporter_updates", 0),
        "feedback": {"owed": owed, "given": given},
        "feedback_rate": round(given / owed, 4) if owed else None,
        "powers_used": sizes.get("powers_used", 0),
        "powers": _count(sizes, "powers", POWERS),
        "referrals_made": sizes.get("referrals_made", 0),
        "referrals": _count(sizes, "referrals", REFERRALS),
        "by_area": _count(sizes, "by_area", config.areas.names),
        "by_category": _count(sizes, "by_category", list(config.categories)),
        "by_source": _count(sizes, "by_source", list(config.agencies)),
        "by_month": _count(sizes, "by_month", months),
        "cases_closed": sizes.get("cases_closed", 0),
        # case_reviews, task_and_finish_groups, community_marac
        **escalation_stats.figures(sizes),
    }
