"""The annual report's partnership sections (issue 26): the action plan's achievement beside the
year before, the partnership month by month, the funding table and the mobile CCTV deployments.

The figures come from `stats` (so the report and `stats --json` cannot disagree); the lists
(activities, deployments) from `parts`, read at the same position by `queries.year_reads.year_parts`.
A published report names no case: a deployment's reason is its kind and, for a Task and Finish group, its
reference.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

GROUPS = ("action_plan", "activities", "funding", "cctv")
KIND_LABELS = {
    "night-of-action": "Night of action",
    "eva": "Environmental Visual Audit",
    "community-event": "Community event",
    "pact-meeting": "PACT meeting",
    "training": "Training",
    "operation": "Operation",
    "campaign": "Campaign",
}


def _flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for key in sorted(value) for pair in _flat(value[key], f"{prefix}.{key}" if prefix else key)]
    return [(prefix, value)]


def csv_rows(stats: dict[str, Any], previous: dict[str, Any] | None) -> list[list[Any]]:
    """Every new figure, one row each, as the CSV's other rows: figure, item, label, this year, last
    year, change, change %. Amounts are pounds; a share or an amount has no change columns."""
    rows = []
    for group in GROUPS:
        then = dict(_flat((previous or {}).get(group) or {}))
        for item, now in _flat(stats[group]):
            before = then.get(item)
            counted = isinstance(now, int) and isinstance(before, int) and not item.endswith("percent")
            change = now - before if counted else ""
            percent = round(change * 100 / before, 1) if counted and before else ""
            rows.append(
                [
                    group,
                    item,
                    f"{group.replace('_', ' ')}: {item.replace('_', ' ').replace('.', ', ')}",
                    "" if now is None else now,
                    "" if before is None else before,
                    change,
                    percent,
                ]
            )
    return rows


def _pounds(text: str) -> str:
    return f"£{float(text):,.2f}"


def html_parts(stats: dict[str, Any], parts: dict[str, Any] | None) -> dict[str, Any]:
    """What the partnership sections of the annual report show (`templates/_annual_sections.html`)."""
    plan, before = stats["action_plan"], stats["previous_year"]["action_plan"]
    year, last = stats["financial_year"], stats["previous_year"]["financial_year"]

    def share(p: float | None) -> str:
        return "not recorded" if p is None else f"{p}%"

    lead = (
        f"The partnership achieved {share(plan['achieved_percent'])} of the actions in its Community Safety "
        f"Strategy Action Plan during {year} ({plan['achieved']} of {plan['actions']}), against "
        f"{share(before['achieved_percent'])} in {last}."
    )
    priorities = (
        ["Priority", "Actions", "Achieved", "%"],
        [
            [
                name.replace("-", " ").capitalize().replace("Asb ", "ASB "),
                p["actions"],
                p["achieved"],
                share(p["achieved_percent"]),
            ]
            for name, p in plan["by_priority"].items()
        ],
        "action-plan",
    )
    found = stats["activities"]
    kinds = (["Activity", year], [[KIND_LABELS[k], v] for k, v in found["by_kind"].items()], "activities")
    listed = (parts or {}).get("activities", [])
    months = [
        {
            "label": dt.date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y"),
            "count": count,
            "activities": [
                {
                    "kind": KIND_LABELS[a["kind"]],
                    "areas": ", ".join(a["areas"]),
                    "outcome": a["outcome"],
                    "attendance": a["attendance"],
                }
                for a in listed
                if a["day"].startswith(month)
            ],
        }
        for month, count in found["by_month"].items()
    ]
    funding = stats["funding"]
    table = (
        ["Funder", "Organisation", "Project", "Full year", "First half", "Second half", "Spent"],
        [
            [
                p["funder"],
                p["organisation"],
                name,
                _pounds(p["full_year"]),
                _pounds(p["first_half"]),
                _pounds(p["second_half"]),
                _pounds(p["spent"]),
            ]
            for name, p in funding["projects"].items()
        ]
        + [["Total", "", "", _pounds(funding["allocated"]), "", "", _pounds(funding["spent"])]],
        "funding",
    )
    deployments = (
        ["Camera", "Location", "Area", "From", "To", "Reason"],
        [
            [
                d["camera"],
                d["location"],
                d["area"],
                d["from"],
                d["to"],
                d["reason"]["reference"] if d["reason"]["kind"] == "group" else d["reason"]["kind"],
            ]
            for d in (parts or {}).get("deployments", [])
        ],
        "cctv",
    )
    return {
        "lead": lead,
        "priorities": priorities,
        "found": found,
        "kinds": kinds,
        "months": months,
        "panels": [(name.removeprefix("PACT-").replace("-", " ").title(), n) for name, n in found["by_panel"].items()],
        "funders": [(f, _pounds(v)) for f, v in funding["by_funder"].items()],
        "allocated": _pounds(funding["allocated"]),
        "unallocated": _pounds(funding["unallocated"]),
        "funding": table,
        "cctv": stats["cctv"],
        "deployments": deployments,
    }
