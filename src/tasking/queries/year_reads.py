"""Reads of the partnership's year (issue 26): the plan, activities, PACT panels, the funding
table and the cameras, as at a point (effective `at`, recorded `position`). Linked cases that the
reader may not see in full are given as their outlines (`tasking.queries.access`). The funding
table and the cameras are read in `tasking.queries.year_assets`, and given here too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from tasking.errors import NotFound
from tasking.queries.access import hidden_cases, outline
from tasking.queries.point import ReadPoint, Reader
from tasking.queries.year_assets import cameras, funding_table
from tasking.queries.year_lists import point_head, rows_at
from tasking.time.instants import local_date

__all__ = [
    "activities",
    "briefing_section",
    "cameras",
    "funding_table",
    "pact_panels",
    "plan_action",
    "plan_actions",
    "year_parts",
]


def _cases(reader: Reader, point: ReadPoint, refs: list[str]) -> list[Any]:
    """Each linked case as its reference, or its outline when the reader may not see it in full."""
    hidden = hidden_cases(reader, point, set(refs))
    return [outline(hidden[ref]) if ref in hidden else ref for ref in refs]


# --- the action plan -------------------------------------------------------------------------


def plan_actions(reader: Reader, point: ReadPoint, year: int | None = None) -> dict[str, Any]:
    actions: dict[str, dict[str, Any]] = {}
    for row in rows_at(reader.db, point):
        value = row["value"]
        if row["kind"] == "plan-added" and (year is None or value["year"] == year):
            actions[row["reference"]] = {
                "action": row["reference"],
                "year": value["year"],
                "priority": value["priority"],
                "text": value["action"],
                "lead": value["lead"],
                "due": value["due"],
                "status": "planned",
                "reason": None,
                "added_at": row["at"],
                "history": [],
            }
        elif row["kind"] == "plan-updated" and row["reference"] in actions:
            found = actions[row["reference"]]
            found.update(status=value["status"], reason=value["reason"])
            found["history"].append(
                {"status": value["status"], "reason": value["reason"], "at": row["at"], "user": row["user"]}
            )
    ordered = sorted(actions.values(), key=lambda a: (a["year"], a["priority"], a["action"]))
    return {**point_head(point), "actions": ordered}


def plan_action(reader: Reader, point: ReadPoint, reference: str) -> dict[str, Any]:
    wanted = reference.strip().upper()
    for found in plan_actions(reader, point)["actions"]:
        if found["action"] == wanted:
            return {**point_head(point), **found}
    raise NotFound("action", f"unknown plan action {reference!r}")


# --- activities and PACT panels ---------------------------------------------------------------


def activities(
    reader: Reader,
    point: ReadPoint,
    start: dt.date | None = None,
    end: dt.date | None = None,
    kind: str | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """Activities that took place between the days (inclusive), newest last."""
    items = []
    for row in rows_at(reader.db, point, ("activity",)):
        value = row["value"]
        if (kind and value["kind"] != kind) or (area and area not in value["areas"]):
            continue
        day = dt.date.fromisoformat(value["day"])
        if (start and day < start) or (end and day > end):
            continue
        items.append(
            {
                "activity": row["reference"],
                "kind": value["kind"],
                "day": value["day"],
                "at": row["at"],
                "areas": value["areas"],
                "lead": value["lead"],
                "partners": value["partners"],
                "attendance": value["attendance"],
                "outcome": value["outcome"],
                "panel": value["panel"],
                "actions": value["actions"],
                "cases": value["cases"],
                "flags": value["flags"],
                "groups": value["groups"],
                "recorded_by": row["user"],
            }
        )
    refs = sorted({ref for item in items for ref in item["cases"]})
    hidden = hidden_cases(reader, point, set(refs))
    for item in items:
        item["cases"] = [outline(hidden[ref]) if ref in hidden else ref for ref in item["cases"]]
    return {**point_head(point), "activities": items}


def pact_panels(reader: Reader, point: ReadPoint) -> dict[str, Any]:
    panels: dict[str, dict[str, Any]] = {}
    meetings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows_at(reader.db, point):
        value = row["value"]
        if row["kind"] == "pact-panel":
            panels[row["reference"]] = {
                "panel": row["reference"],
                "name": value["name"],
                "area": value["area"],
                "set_up": local_date(dt.datetime.fromisoformat(row["at"])).isoformat(),
            }
        elif row["kind"] == "activity" and value["panel"]:
            meetings[value["panel"]].append(
                {
                    "activity": row["reference"],
                    "day": value["day"],
                    "attendance": value["attendance"],
                    "actions": value["actions"],
                }
            )
    return {
        **point_head(point),
        "panels": [
            {**panel, "meetings": meetings.get(ref, [])}
            for ref, panel in sorted(panels.items(), key=lambda p: p[1]["set_up"])
        ],
    }


# --- the briefing's section -----------------------------------------------------------------------


def briefing_section(reader: Reader, point: ReadPoint, day: dt.date) -> dict[str, Any]:
    """The day's and the week's partnership activities (the seven days to the day), and the cameras
    due to move: deployments that end within the coming seven days."""
    week = activities(reader, point, start=day - dt.timedelta(days=6), end=day)["activities"]
    due = []
    for cam in cameras(reader, point)["cameras"]:
        for d in cam["deployments"]:
            ends = dt.date.fromisoformat(d["to"])
            if dt.date.fromisoformat(d["from"]) <= day + dt.timedelta(days=7) and day <= ends <= day + dt.timedelta(
                days=7
            ):
                due.append(
                    {
                        "camera": cam["camera"],
                        "deployment": d["deployment"],
                        "location": d["location"],
                        "area": d["area"],
                        "to": d["to"],
                        "days_left": (ends - day).days,
                    }
                )
    brief = lambda a: {k: a[k] for k in ("activity", "kind", "day", "areas", "lead")}  # noqa: E731
    return {
        "activities_today": [brief(a) for a in week if a["day"] == day.isoformat()],
        "activities_this_week": [brief(a) for a in week],
        "cameras_due_to_move": sorted(due, key=lambda d: (d["to"], d["camera"])),
    }


def year_parts(reader: Reader, year: int) -> dict[str, Any]:
    """The year's activities and the deployments starting in it, as of the reader's position."""
    point = reader.point.until(None)
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    found = activities(reader, point, first, last)["activities"]
    deployments = [
        {"camera": cam["camera"], **d}
        for cam in cameras(reader, point)["cameras"]
        for d in cam["deployments"]
        if first.isoformat() <= d["from"] <= last.isoformat()
    ]
    return {"activities": found, "deployments": sorted(deployments, key=lambda d: (d["from"], d["camera"]))}
