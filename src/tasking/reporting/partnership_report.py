"""The annual report's partnership sections (issue 26): the action plan's achievement beside the
year before, the partnership month by month, the funding table and the mobile CCTV deployments.

The figures come from `stats` (so the report and `stats --json` cannot disagree); the lists
(activities, deployments) from `parts`, read at the same position by `year_parts`. A published
report names no case: a deployment's reason is its kind and, for a Task and Finish group, its
reference.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from tasking.queries.point import Reader
from tasking.queries.year_reads import activities, cameras

GROUPS = ("action_plan", "activities", "funding", "cctv")
KIND_LABELS = {"night-of-action": "Night of action", "eva": "Environmental Visual Audit",
               "community-event": "Community event", "pact-meeting": "PACT meeting", "training": "Training",
               "operation": "Operation", "campaign": "Campaign"}


def year_parts(reader: Reader, year: int) -> dict[str, Any]:
    """The year's activities and the deployments starting in it, as of the reader's position."""
    point = reader.point.until(None)
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    found = activities(reader, point, first, last)["activities"]
    deployments = [{"camera": cam["camera"], **d} for cam in cameras(reader, point)["cameras"]
                   for d in cam["deployments"] if first.isoformat() <= d["from"] <= last.isoformat()]
    return {"activities": found, "deployments": sorted(deployments, key=lambda d: (d["from"], d["camera"]))}


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
            rows.append([group, item, f"{group.replace('_', ' ')}: {item.replace('_', ' ').replace('.', ', ')}",
                         "" if now is None else now, "" if before is None else before, change, percent])
    return rows


def labelled_table(head: list[str], rows: list[list[Any]], css: str = "") -> str:
    """A table whose cells carry their column's name (`data-label`): on a phone the rows stack, each
    cell labelled (the style's narrow-screen rule)."""
    labels = [f' data-label="{escape(str(h))}"' if str(h) else "" for h in head]
    cells = "".join("<tr>" + "".join(f"<td{label}>{escape(str(c))}</td>" for label, c in zip(labels, row)) + "</tr>"
                    for row in rows)
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in head) + f"</tr>{cells}</table>"


def _pounds(text: str) -> str:
    return f"£{float(text):,.2f}"


def html(stats: dict[str, Any], parts: dict[str, Any] | None) -> str:
    plan, before = stats["action_plan"], stats["previous_year"]["action_plan"]
    year, last = stats["financial_year"], stats["previous_year"]["financial_year"]
    share = lambda p: "not recorded" if p is None else f"{p}%"  # noqa: E731
    lead = (f"The partnership achieved {share(plan['achieved_percent'])} of the actions in its Community Safety "
            f"Strategy Action Plan during {year} ({plan['achieved']} of {plan['actions']}), against "
            f"{share(before['achieved_percent'])} in {last}.")
    priorities = labelled_table(["Priority", "Actions", "Achieved", "%"],
                        [[name.replace("-", " ").capitalize().replace("Asb ", "ASB "), p["actions"], p["achieved"], share(p["achieved_percent"])]
                         for name, p in plan["by_priority"].items()], "action-plan")
    found = stats["activities"]
    kinds = labelled_table(["Activity", year], [[KIND_LABELS[k], v] for k, v in found["by_kind"].items()], "activities")
    months = ""
    listed = (parts or {}).get("activities", [])
    for month, count in found["by_month"].items():
        items = [a for a in listed if a["day"].startswith(month)]
        label = dt.date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y")
        lines = "".join(f"<li>{escape(KIND_LABELS[a['kind']])}, {escape(', '.join(a['areas']))}: {escape(a['outcome'])}"
                        + (f" ({a['attendance']} attended)" if a["attendance"] is not None else "") + "</li>"
                        for a in items)
        months += f"<h3>{label}</h3><p>{count} partnership activities.</p><ul>{lines}</ul>"
    panels = ", ".join(f"{escape(name.removeprefix('PACT-').replace('-', ' ').title())} ({n})"
                       for name, n in found["by_panel"].items()) or "none"
    funding = stats["funding"]
    table = labelled_table(["Funder", "Organisation", "Project", "Full year", "First half", "Second half", "Spent"],
                   [[p["funder"], p["organisation"], name, _pounds(p["full_year"]), _pounds(p["first_half"]),
                     _pounds(p["second_half"]), _pounds(p["spent"])] for name, p in funding["projects"].items()]
                   + [["Total", "", "", _pounds(funding["allocated"]), "", "", _pounds(funding["spent"])]], "funding")
    funders = "; ".join(f"{escape(f)} {_pounds(v)}" for f, v in funding["by_funder"].items()) or "none recorded"
    cctv = stats["cctv"]
    deployments = labelled_table(["Camera", "Location", "Area", "From", "To", "Reason"],
                         [[d["camera"], d["location"], d["area"], d["from"], d["to"],
                           d["reason"]["reference"] if d["reason"]["kind"] == "group" else d["reason"]["kind"]]
                          for d in (parts or {}).get("deployments", [])], "cctv")
    return f"""<h2>The Community Safety Strategy Action Plan</h2>
<p><strong>{escape(lead)}</strong></p>{priorities}
<h2>The Partnership month by month</h2>
<p>{found['total']} partnership activities ({found['attendance']} people counted where attendance was taken).
PACT panel meetings: {panels}.</p>{kinds}{months}
<h2>Police &amp; Crime Commissioner and partner funding</h2>
<p>Received: {funders}; allocated {_pounds(funding['allocated'])}, unallocated {_pounds(funding['unallocated'])}.</p>
{table}
<h2>Mobile CCTV</h2>
<p>The partnership has {cctv['cameras']} mobile cameras, monitored by the CSU: {cctv['deployments']} deployments
this year, {cctv['cases_linked']} cases linked to them. The hotspot map marks each deployment.</p>{deployments}
"""
