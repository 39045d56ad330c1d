"""Task and Finish groups as they stood at a read point, and the groups a repeat flag suggests."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.errors import NotFound
from tasking.queries.point import ReadPoint
from tasking.queries.escalations import rows


def fold_groups(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in found:
        ref, kind, value = row["reference"], row["kind"], row["value"]
        if kind == "tfg-opened":
            groups[ref] = {
                "group": ref,
                "focus": value["focus"],
                "area": row["detail"],
                "cases": list(value["cases"]),
                "reason": value["reason"],
                "opened_at": row["at"],
                "opened_by": row["user"],
                "status": "open",
                "actions": [],
                "meetings": [],
                "completed_at": None,
                "outcome": None,
            }
            continue
        group = groups.get(ref)
        if group is None:
            continue
        if kind == "tfg-case-added":
            group["cases"].append(row["case_ref"])
        elif kind == "tfg-action-raised":
            group["actions"].append(
                {
                    "action": value["action_ref"],
                    "agency": row["detail"],
                    "text": value["action"],
                    "due": value["due"],
                    "raised_at": row["at"],
                    "status": "open",
                    "completed_at": None,
                    "result": None,
                }
            )
        elif kind == "tfg-action-completed":
            for action in group["actions"]:
                if action["action"] == row["detail"]:
                    action.update(status="completed", completed_at=row["at"], result=value["result"])
        elif kind == "tfg-met":
            group["meetings"].append({"at": row["at"], "note": value["note"]})
        elif kind == "tfg-completed":
            group.update(status="completed", completed_at=row["at"], outcome=value["outcome"])
    return groups


def task_and_finish_groups(db: Database, point: ReadPoint, open_only: bool = False) -> list[dict[str, Any]]:
    found = fold_groups(rows(db, point, "tfg-")).values()
    return sorted((g for g in found if not open_only or g["status"] == "open"), key=lambda g: g["group"])


def task_and_finish_group(db: Database, reference: str, point: ReadPoint) -> dict[str, Any]:
    for group in task_and_finish_groups(db, point):
        if group["group"] == reference.strip().upper():
            return group
    raise NotFound("group", f"unknown Task and Finish group {reference!r}")


def suggest_groups(flags: list[dict[str, Any]], open_groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each location repeat flag suggests a candidate Task and Finish group, unless an open group in
    the same area already holds one of its cases (then it names that group)."""
    for flag in flags:
        if flag["rule"] != "location":
            continue
        covering = [
            g["group"] for g in open_groups if g["area"] == flag["area"] and set(g["cases"]) & set(flag["cases"])
        ]
        flag["candidate_group"] = (
            {"covered_by": covering[0]}
            if covering
            else {"focus": flag["location"], "area": flag["area"], "cases": list(flag["cases"])}
        )
    return flags
