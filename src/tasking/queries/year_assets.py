"""Reads of the partnership's funding table and mobile CCTV cameras (issue 26), as at a point
(effective `at`, recorded `position`); linked cases the reader may not see in full are outlines."""

from __future__ import annotations

from typing import Any

from tasking.domain.funding import pounds
from tasking.queries.access import hidden_cases, outline
from tasking.queries.point import ReadPoint, Reader
from tasking.queries.year_lists import point_head, rows_at


# --- funding --------------------------------------------------------------------------------------


def funding_table(reader: Reader, point: ReadPoint, year: int) -> dict[str, Any]:
    """The year's grants and their allocations, as the seed's table: it reconciles by construction."""
    grants: dict[str, dict[str, Any]] = {}
    allocations: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows_at(reader.db, point):
        value, ref = row["value"], row["reference"]
        if row["kind"] == "grant" and value["year"] == year:
            grants[ref] = {
                "grant": ref,
                "funder": value["funder"],
                "amount": value["amount"],
                "allocated": 0,
                "spent": 0,
            }
        elif row["kind"] == "allocation" and ref in grants:
            allocations[(ref, value["allocation"])] = {
                "grant": ref,
                "allocation": value["allocation"],
                "funder": grants[ref]["funder"],
                "organisation": value["organisation"],
                "project": value["project"],
                "half": value["half"],
                "amount": value["amount"],
                "spent": 0,
            }
            grants[ref]["allocated"] += value["amount"]
        elif row["kind"] == "spend" and (ref, value["allocation"]) in allocations:
            allocations[(ref, value["allocation"])]["spent"] += value["amount"]
            grants[ref]["spent"] += value["amount"]
    projects: dict[tuple[str, str, str], dict[str, int]] = {}
    for found in allocations.values():
        key = (found["funder"], found["organisation"], found["project"])
        row = projects.setdefault(key, {"full_year": 0, "first_half": 0, "second_half": 0, "spent": 0})
        row["full_year"] += found["amount"]
        row[f"{found['half']}_half"] += found["amount"]
        row["spent"] += found["spent"]
    table = [
        {
            "funder": funder,
            "organisation": organisation,
            "project": project,
            **{name: pounds(amount) for name, amount in amounts.items()},
        }
        for (funder, organisation, project), amounts in projects.items()
    ]
    return {
        **point_head(point),
        "year": year,
        "grants": [
            {
                **g,
                **{k: pounds(g[k]) for k in ("amount", "allocated", "spent")},
                "unallocated": pounds(g["amount"] - g["allocated"]),
            }
            for g in grants.values()
        ],
        "projects": table,
        "received": pounds(sum(g["amount"] for g in grants.values())),
        "allocated": pounds(sum(g["allocated"] for g in grants.values())),
    }


# --- mobile CCTV -------------------------------------------------------------------------------------


def cameras(reader: Reader, point: ReadPoint) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {}
    for row in rows_at(reader.db, point, ("camera", "deployment", "deployment-link")):
        value, ref = row["value"], row["reference"]
        if row["kind"] == "camera":
            found[ref] = {"camera": ref, "description": value["description"], "deployments": {}}
        elif row["kind"] == "deployment" and ref in found:
            found[ref]["deployments"][value["deployment"]] = {
                "deployment": value["deployment"],
                "location": value["location"],
                "area": value["area"],
                "lat": value["lat"],
                "lon": value["lon"],
                "from": value["start"],
                "to": value["end"],
                "reason": {"kind": value["reason_kind"], "reference": value["reason"]},
                "cases": [],
            }
        elif row["kind"] == "deployment-link" and ref in found:
            found[ref]["deployments"][value["deployment"]]["cases"].append(value["case"])
    refs = [case for cam in found.values() for d in cam["deployments"].values() for case in d["cases"]]
    refs += [
        d["reason"]["reference"]
        for cam in found.values()
        for d in cam["deployments"].values()
        if d["reason"]["kind"] == "case"
    ]
    hidden = hidden_cases(reader, point, set(refs))
    show = lambda ref: outline(hidden[ref]) if ref in hidden else ref  # noqa: E731
    out = []
    for cam in found.values():
        deployments = list(cam["deployments"].values())
        for d in deployments:
            d["cases"] = [show(ref) for ref in d["cases"]]
            if d["reason"]["kind"] == "case":
                d["reason"]["reference"] = show(d["reason"]["reference"])
        out.append({**cam, "deployments": deployments})
    return {**point_head(point), "cameras": out}
