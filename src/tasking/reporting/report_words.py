"""The annual report's words: its headline, labels, periods, percentages and the rows of each figure
with its change on last year, the same in every format (HTML, Markdown, CSV, the CLI).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

HEADLINE_AGENCY = "COUNCIL"  # the seed's headline: ASB reports from residents to the council
HEADLINE_LABEL = "ASB reports from residents to the council"
COUNTS = {
    "reports_received": "Reports received (each agency's report)",
    "reports": "Incidents reported (each counted once)",
    "asb_reports": "ASB reports",
    "taskings": "Taskings from the daily meeting",
    "follow_ups": "Follow-up visits and calls",
    "reporter_updates": "Updates given to reporters",
    "powers_used": "ASB powers used",
    "referrals_made": "Referrals made",
    "cases_closed": "Cases closed",
}
GROUPS = {
    "asb_reports_from_residents": "ASB reports from residents, by the agency that received them",
    "by_area": "Reports by area",
    "by_category": "Reports by category",
    "by_source": "Reports by the agency that received them",
    "by_month": "Reports by month",
    "powers": "ASB powers used",
    "referrals": "Referrals",
    "taskings_by_agency": "Taskings by agency",
    "follow_ups_by_agency": "Follow-up visits and calls by agency",
    "follow_ups_by_kind": "Follow-ups by kind",
}
WORDS = {
    "CPW": "Community Protection Warnings",
    "CPN": "Community Protection Notices",
    "CBO": "Criminal Behaviour Orders",
    "civil-injunction": "Civil injunctions",
    "closure-notice": "Closure notices",
    "closure-order": "Closure orders",
    "dispersal": "Dispersal directions",
    "fixed-penalty": "Fixed penalty notices",
    "abc": "Acceptable behaviour contracts",
    "warning-letter": "Warning letters",
    "community-marac": "Community MARAC",
    "task-and-finish": "Task and Finish group",
    "channel-panel": "Channel panel",
    "adult-safeguarding": "Adult safeguarding",
    "children-safeguarding": "Children's safeguarding",
    "da-marac": "Domestic abuse MARAC",
    "mediation": "Mediation",
    "youth-services": "Youth services",
    "substance-services": "Substance misuse services",
    "visit": "Visits",
    "call": "Calls",
    "letter": "Letters",
    "email": "Emails",
}
CASE_REVIEW_FIGURES = {  # the four figures a partnership must publish each year, in the guidance's words
    "applications": "Applications for an ASB case review",
    "threshold_not_met": "Times the threshold was not met",
    "reviews": "Case reviews carried out",
    "reviews_with_recommendations": "Case reviews that led to recommendations",
}
ESCALATIONS = {  # the escalation routes' figures, in the same words in every format
    "case_reviews": ("ASB case review (Community Trigger)", CASE_REVIEW_FIGURES),
    "task_and_finish_groups": (
        "Task and Finish groups",
        {
            "opened": "Task and Finish groups set up",
            "completed": "Task and Finish groups completed",
            "ongoing": "Task and Finish groups ongoing at the end of the year",
        },
    ),
    "community_marac": (
        "Community MARAC",
        {
            "meetings": "Community MARAC meetings",
            "cases_discussed": "Community MARAC cases discussed",
            "referrals": "Community MARAC referrals",
        },
    ),
}
ESCALATIONS_HEADING = "ASB case reviews and escalation routes"
FEEDBACK_LABEL = "Reporters updated on the action taken"


def escalation_rows(stats: dict[str, Any]) -> list[tuple[str, str, str, Any, Any]]:
    """(group, figure, label, this year, last year or None) for every escalation figure recorded."""
    rows = []
    for group, (_, labels) in ESCALATIONS.items():
        now, before = stats.get(group), (stats["previous_year"].get(group) or {})
        if now is not None:
            rows += [(group, key, label, now[key], before.get(key)) for key, label in labels.items()]
    return rows


THIS_YEAR, LAST_YEAR = "#2f6f9f", "#b8b8b8"


# --- words ------------------------------------------------------------------------------------


def period_text(stats: dict[str, Any]) -> str:
    """`2017/18` -> `1 April 2017 to 31 March 2018`."""
    first = int(stats["financial_year"][:4])
    return f"1 April {first} to 31 March {first + 1}"


def percent(rate: float | None) -> str:
    return "not applicable" if rate is None else f"{rate * 100:.1f}%"


def item_label(group: str, key: str, names: dict[str, str] | None = None) -> str:
    """One entry of a breakdown in words: `2017-04` -> `April 2017`, `CPW` -> `Community Protection Warnings`."""
    if group == "by_month":
        return dt.date.fromisoformat(f"{key}-01").strftime("%B %Y")
    if key in WORDS:
        return WORDS[key]
    return (names or {}).get(key, key.replace("-", " ").capitalize() if key.islower() else key)


def change_text(change: dict[str, Any]) -> str:
    pct = f" ({change['percent']:+.1f}%)" if change["percent"] is not None else ""
    return f"{change['absolute']:+d}{pct}"


def change_of(now: int, before: int | None) -> dict[str, Any]:
    if before is None:
        return {"absolute": None, "percent": None}
    return {"absolute": now - before, "percent": round((now - before) * 100 / before, 1) if before else None}


def headline_rows(stats: dict[str, Any]) -> list[tuple[str, int, int, dict[str, Any]]]:
    """(label, this year, last year, change): the seed's own headline first, then the counts."""
    before = stats["previous_year"]
    rows = []
    key = f"asb_reports_from_residents.{HEADLINE_AGENCY}"
    if key in before["change"]:
        rows.append(
            (
                HEADLINE_LABEL,
                stats["asb_reports_from_residents"].get(HEADLINE_AGENCY, 0),
                before["asb_reports_from_residents"].get(HEADLINE_AGENCY, 0),
                before["change"][key],
            )
        )
    for name, label in COUNTS.items():
        if name in before["change"]:
            rows.append((label, stats[name], before[name], before["change"][name]))
    return rows


# --- data files -------------------------------------------------------------------------------


def last_year_key(group: str, item: str) -> str:
    """The same entry a year earlier: a month moves back a year; anything else is itself."""
    if group == "by_month":
        return f"{int(item[:4]) - 1}{item[4:]}"
    return item
