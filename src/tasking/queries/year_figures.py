"""The partnership's year in the figures (issue 26), built like every other figure: each is made
from its list of contributing events, which `--explain` returns, so they cannot disagree.

- `action_plan`: the actions of the year's plan (the plan's own year, whatever their effective
  time) as recorded by the position. `actions` counts those not dropped (each at its adding),
  `achieved` those whose latest status is `achieved` (each at that update), `dropped` the dropped
  ones; `achieved_percent` is achieved × 100 / actions, rounded half up (null with no actions).
  `by_priority` gives the same per priority.
- `activities`: activities that took place in the financial year: `total`, `by_kind` (every
  kind), `by_area` (an activity in two areas counts in each), `by_month`, `by_panel` (PACT
  meetings per panel) and `attendance` (the sum of the attendance counted, over the activities
  that counted it).
- `funding`: the grants for the year (the grant's own year): amounts in pounds, as text with two
  decimals. `received`, `by_funder`, `allocated`, `spent`, `unallocated`, and `projects` (the
  seed's table: organisation, funder, full year, first and second half, spent). Explaining an
  amount lists the grants, allocations or spend behind it.
- `cctv`: `cameras` (added by the year's end), `deployments` (starting in the year),
  `by_location`, `by_area`, and `cases_linked` (cases those deployments led to).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.errors import NotFound
from tasking.domain.funding import money, pounds
from tasking.domain.partnership_activity import KINDS as ACTIVITY_KINDS
from tasking.projections.year import KINDS
from tasking.queries.police import year_months
from tasking.queries.year_lists import Found, contributions
from tasking.time.instants import financial_year_label

PREFIXES = ("action_plan", "activities", "funding", "cctv")
EVENT_NAMES = {kind: cls.__qualname__ for cls, kind in KINDS.items()}


def percent(part: int, whole: int) -> int | None:
    """Rounded half up, as a reader rounds: 22.5 -> 23."""
    return (part * 200 + whole) // (2 * whole) if whole else None


def _total(items: list[dict[str, Any]]) -> int:
    return sum(item["amount"] for item in items)


def _keys(found: Found, prefix: str) -> list[str]:
    return sorted({key[len(prefix) :].split(".", 1)[0] for key in found if key.startswith(prefix)})


def figures(found: Found, year: int) -> dict[str, Any]:
    actions, achieved = len(found.get("action_plan.actions", [])), len(found.get("action_plan.achieved", []))
    by_priority = {}
    for priority in _keys(found, "action_plan.by_priority."):
        key = f"action_plan.by_priority.{priority}"
        now, done = len(found.get(f"{key}.actions", [])), len(found.get(f"{key}.achieved", []))
        by_priority[priority] = {"actions": now, "achieved": done, "achieved_percent": percent(done, now)}
    projects = {}
    for project in _keys(found, "funding.projects."):
        key = f"funding.projects.{project}"
        projects[project] = {
            "organisation": ", ".join(_keys(found, f"{key}.organisation.")),
            "funder": ", ".join(_keys(found, f"{key}.funder.")),
            **{
                name: pounds(_total(found.get(f"{key}.{name}", [])))
                for name in ("full_year", "first_half", "second_half", "spent")
            },
        }
    received, allocated = _total(found.get("funding.received", [])), _total(found.get("funding.allocated", []))
    return {
        "action_plan": {
            "actions": actions,
            "achieved": achieved,
            "achieved_percent": percent(achieved, actions),
            "dropped": len(found.get("action_plan.dropped", [])),
            "by_priority": by_priority,
        },
        "activities": {
            "total": len(found.get("activities.total", [])),
            "by_kind": {kind: len(found.get(f"activities.by_kind.{kind}", [])) for kind in ACTIVITY_KINDS},
            "by_area": {area: len(found[f"activities.by_area.{area}"]) for area in _keys(found, "activities.by_area.")},
            "by_month": {month: len(found.get(f"activities.by_month.{month}", [])) for month in year_months(year)},
            "by_panel": {
                panel: len(found[f"activities.by_panel.{panel}"]) for panel in _keys(found, "activities.by_panel.")
            },
            "attendance": _total(found.get("activities.attendance", [])),
        },
        "funding": {
            "received": pounds(received),
            "by_funder": {
                funder: pounds(_total(found[f"funding.by_funder.{funder}"]))
                for funder in _keys(found, "funding.by_funder.")
            },
            "allocated": pounds(allocated),
            "unallocated": pounds(received - allocated),
            "spent": pounds(_total(found.get("funding.spent", []))),
            "projects": projects,
        },
        "cctv": {
            "cameras": len(found.get("cctv.cameras", [])),
            "deployments": len(found.get("cctv.deployments", [])),
            "by_location": {name: len(found[f"cctv.by_location.{name}"]) for name in _keys(found, "cctv.by_location.")},
            "by_area": {name: len(found[f"cctv.by_area.{name}"]) for name in _keys(found, "cctv.by_area.")},
            "cases_linked": len(found.get("cctv.cases_linked", [])),
        },
    }


def year_figures(db: Database, year: int, position: int) -> dict[str, Any]:
    """The four new figures of the year, and last year's headline of each (`previous_year`)."""
    now = figures(contributions(db, year, position), year)
    before = figures(contributions(db, year - 1, position), year - 1)
    return {
        **now,
        "previous_year": {
            "action_plan": {key: before["action_plan"][key] for key in ("actions", "achieved", "achieved_percent")},
            "activities": {"total": before["activities"]["total"]},
            "funding": {"received": before["funding"]["received"]},
            "cctv": {"deployments": before["cctv"]["deployments"]},
        },
    }


def _leaves(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in _leaves(inner, f"{prefix}.{key}")]
    return [prefix]


def explain(db: Database, year: int, position: int, figure: str) -> dict[str, Any]:
    """The events behind one of these figures, e.g. `action_plan.achieved`, `activities.by_kind.eva`,
    `funding.by_funder.PCC`, `funding.projects.CSU Initiatives.first_half`, `cctv.deployments`."""
    found = contributions(db, year, position)
    made = figures(found, year)
    names = [leaf for prefix in PREFIXES for leaf in _leaves(made[prefix], prefix)]
    wanted = figure.strip()
    if wanted not in names:
        matches = [name for name in names if name.casefold() == wanted.casefold()]
        if len(matches) != 1:
            head = wanted.split(".", 1)[0]
            raise NotFound(
                "explain",
                f"unknown figure {figure!r}; {head} has: "
                f"{', '.join(name for name in names if name.startswith(head + '.'))}",
            )
        wanted = matches[0]
    key = wanted
    if key.endswith("achieved_percent"):  # a share: the achieved actions behind it
        key = key.removesuffix("_percent")
    elif key.endswith((".organisation", ".funder")):  # the project's allocations name them
        key = key.rsplit(".", 1)[0] + ".full_year"
    elif key == "funding.unallocated":
        key = "funding.received"
    items = [
        {
            "case": row["case"],
            "event": EVENT_NAMES[row["kind"]],
            "position": row["position"],
            "at": row["at"],
            "user": row["user"],
            "agency": row["agency"],
            "detail": " ".join(
                part
                for part in (
                    row["reference"],
                    row["detail"],
                    None
                    if "amount" not in row
                    else (str(row["amount"]) if row["kind"] == "activity" else money(row["amount"])),
                )
                if part
            ),
        }
        for row in found.get(key, [])
    ]
    if key == "funding.received" and wanted == "funding.unallocated":
        items += [
            {**item, "detail": f"less {item['detail']}"}
            for item in explain(db, year, position, "funding.allocated")["items"]
        ]
    return {
        "figure": wanted,
        "financial_year": financial_year_label(year),
        "position": position,
        "count": len(items),
        "cases": len({item["case"] for item in items if item["case"]}),
        "items": items,
    }
