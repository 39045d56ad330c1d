"""The partnership's year's lists (issue 26): the rows of the `year_events` view recorded by a
position, and each figure's contributing events, which `tasking.queries.year_figures` counts and
`--explain` lists (the figures' rules are in that module's docstring)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.queries.point import ReadPoint

from tasking.time.instants import financial_year_bounds, iso

Found = dict[str, list[dict[str, Any]]]


def year_rows(db: Database, position: int, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Every row of the view recorded by the position (or only those of some kinds, found by the
    `(kind, at)` index), with its aggregate's reference and value."""
    where = "e.position <= ?"
    params: list[Any] = [position]
    if kinds is not None:
        where = "e.kind IN (SELECT value FROM json_each(?)) AND " + where
        params[:0] = [json.dumps(sorted(kinds))]
    rows = []
    for row in db.query(
        "SELECT e.position, e.aggregate_id, e.kind, e.at, e.user, e.agency, e.value, r.reference "
        f"FROM year_events e JOIN year_refs r ON r.aggregate_id = e.aggregate_id WHERE {where} ORDER BY e.position",
        params,
    ):
        rows.append({**row, "value": json.loads(row["value"])})
    return rows


def rows_at(db: Database, point: ReadPoint, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The rows (of some kinds, or all) recorded by the point's position and effective by its `at`."""
    bound = iso(point.at) if point.at is not None else None
    return [row for row in year_rows(db, point.position, kinds) if bound is None or row["at"] <= bound]


def point_head(point: ReadPoint) -> dict[str, Any]:
    """The point a read answers at, as every read of the year gives it."""
    return {"at": iso(point.at), "position": point.position}


def _item(
    row: dict[str, Any], detail: str | None, case: str | None = None, amount: int | None = None
) -> dict[str, Any]:
    item = {
        "case": case,
        "kind": row["kind"],
        "reference": row["reference"],
        "position": row["position"],
        "at": row["at"],
        "user": row["user"],
        "agency": row["agency"],
        "detail": detail,
    }
    if amount is not None:
        item["amount"] = amount
    return item


def contributions(db: Database, year: int, position: int) -> Found:
    start, end = (iso(bound) for bound in financial_year_bounds(year))
    first_day, last_day = f"{year}-04-01", f"{year + 1}-03-31"
    found: Found = defaultdict(list)
    rows = year_rows(db, position)
    plan: dict[str, dict[str, Any]] = {}
    latest: dict[str, dict[str, Any]] = {}
    grants: dict[str, dict[str, Any]] = {}
    allocations: dict[tuple[str, str], dict[str, Any]] = {}
    counted: dict[tuple[str, str], dict[str, Any]] = {}  # deployments starting in the year
    for row in rows:
        kind, value, ref = row["kind"], row["value"], row["reference"]
        if kind == "plan-added" and value["year"] == year:
            plan[ref] = row
        elif kind == "plan-updated" and ref in plan:
            latest[ref] = row
        elif kind == "activity" and start <= row["at"] < end:
            item = _item(row, value["kind"])
            found["activities.total"].append(item)
            found[f"activities.by_kind.{value['kind']}"].append(item)
            for area in value["areas"]:
                found[f"activities.by_area.{area}"].append(item)
            found[f"activities.by_month.{value['day'][:7]}"].append(item)
            if value["panel"]:
                found[f"activities.by_panel.{value['panel']}"].append(item)
            if value["attendance"] is not None:
                found["activities.attendance"].append({**item, "amount": value["attendance"]})
        elif kind == "grant" and value["year"] == year:
            grants[ref] = row
            item = _item(row, value["funder"], amount=value["amount"])
            found["funding.received"].append(item)
            found[f"funding.by_funder.{value['funder']}"].append(item)
        elif kind == "allocation" and ref in grants:
            allocations[(ref, value["allocation"])] = row
            funder = grants[ref]["value"]["funder"]
            item = _item(
                row, f"{value['organisation']}: {value['project']} ({value['half']} half)", amount=value["amount"]
            )
            found["funding.allocated"].append(item)
            project = f"funding.projects.{value['project']}"
            found[f"{project}.full_year"].append(item)
            found[f"{project}.{value['half']}_half"].append(item)
            found[f"{project}.organisation.{value['organisation']}"].append(item)
            found[f"{project}.funder.{funder}"].append(item)
        elif kind == "spend" and (ref, value["allocation"]) in allocations:
            allocated = allocations[(ref, value["allocation"])]["value"]
            item = _item(row, f"{allocated['project']}: {value['note'] or ''}".rstrip(": "), amount=value["amount"])
            found["funding.spent"].append(item)
            found[f"funding.projects.{allocated['project']}.spent"].append(item)
        elif kind == "camera" and row["at"] < end:
            found["cctv.cameras"].append(_item(row, None))
        elif kind == "deployment" and first_day <= value["start"] <= last_day:
            counted[(ref, value["deployment"])] = row
            case = value["reason"] if value["reason_kind"] == "case" else None
            item = _item(
                row, f"{value['deployment']} {value['location']} {value['start']} to {value['end']}", case=case
            )
            found["cctv.deployments"].append(item)
            found[f"cctv.by_location.{value['location']}"].append(item)
            found[f"cctv.by_area.{value['area']}"].append(item)
        elif kind == "deployment-link" and (ref, value["deployment"]) in counted:
            found["cctv.cases_linked"].append(_item(row, value["deployment"], case=value["case"]))
    for ref, added in plan.items():
        status = latest[ref]["value"]["status"] if ref in latest else "planned"
        priority = added["value"]["priority"]
        if status == "dropped":
            found["action_plan.dropped"].append(_item(latest[ref], latest[ref]["value"]["reason"]))
            continue
        item = _item(added, priority)
        found["action_plan.actions"].append(item)
        found[f"action_plan.by_priority.{priority}.actions"].append(item)
        if status == "achieved":
            done = _item(latest[ref], priority)
            found["action_plan.achieved"].append(done)
            found[f"action_plan.by_priority.{priority}.achieved"].append(done)
    return found
