"""The annual report: a self-contained HTML page with charts, plus JSON, CSV, Markdown and a manifest.

It reads like the seed's report (the Sevenoaks District CSP annual report 2017-18): its own
headline first (ASB reports from residents to the council, with the change on last year), the
period in words, rates as percentages, and labels in words rather than keys. Charts are
matplotlib PNGs embedded as data URIs, so the page opens anywhere with no network; matplotlib is
imported only when a chart is drawn. Nothing here reads the clock: the same figures give the same
files, byte for byte.

The words and rows of each figure are in report_words.py, the CSV, JSON and Markdown in
report_tables.py, the charts in charts.py; this module puts the page together and writes the files,
and is the one name the CLI and the web import.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from tasking.files import private_folder, write_private_bytes, write_private_text
from tasking.reporting import jinja, partnership_report
from tasking.reporting.charts import charts, hotspot_png
from tasking.reporting.report_tables import flatten, to_csv, to_json, to_markdown
from tasking.reporting.report_words import (
    CASE_REVIEW_FIGURES,
    COUNTS,
    ESCALATIONS,
    ESCALATIONS_HEADING,
    FEEDBACK_LABEL,
    GROUPS,
    HEADLINE_AGENCY,
    change_text,
    escalation_rows,
    headline_rows,
    item_label,
    percent,
    period_text,
)

__all__ = [
    "CASE_REVIEW_FIGURES",
    "COUNTS",
    "ESCALATIONS_HEADING",
    "FEEDBACK_LABEL",
    "GROUPS",
    "change_text",
    "charts",
    "escalation_rows",
    "flatten",
    "headline_rows",
    "hotspot_png",
    "percent",
    "to_csv",
    "to_html",
    "to_json",
    "to_markdown",
    "write_report",
]


def _police(stats: dict[str, Any]) -> dict[str, Any] | None:
    police = stats.get("police_recorded")
    if not police:
        return None
    before = stats["previous_year"]
    change = before["change"].get("police_recorded.asb_incidents")
    last = (before.get("police_recorded") or {}).get("asb_incidents")
    return {
        "year": stats["financial_year"],
        "last_year": before["financial_year"],
        "reports": stats["reports"],
        "last_reports": before["reports"],
        "reports_change": change_text(before["change"]["reports"]),
        "incidents": police["asb_incidents"],
        "last_incidents": "" if last is None else last,
        "incidents_change": "" if change is None else change_text(change),
        "source": police["source"],
        "months": police["months_recorded"],
    }


def _hotspots(geo: dict[str, Any] | None) -> dict[str, Any] | None:
    if geo is None:
        return None
    return {
        "src": "data:image/png;base64," + base64.b64encode(hotspot_png(geo)).decode("ascii"),
        "without_coordinates": list(geo["without_coordinates"].items()),
    }


def _escalations(stats: dict[str, Any]) -> dict[str, Any]:
    """The escalation routes: the ASB case review table, Task and Finish groups, the Community MARAC
    and the Channel Panel. A figure not recorded (null) is shown as such, never as zero."""
    reviews, groups, marac = (stats.get(k) for k in ("case_reviews", "task_and_finish_groups", "community_marac"))
    if reviews is None:
        return {"heading": ESCALATIONS_HEADING, "reviews": None}
    before = stats["previous_year"].get("case_reviews") or {}
    return {
        "heading": ESCALATIONS_HEADING,
        "title": ESCALATIONS["case_reviews"][0],
        "year": stats["financial_year"],
        "last_year": stats["previous_year"]["financial_year"],
        "groups": groups,
        "marac": marac,
        "reviews": [(label, reviews[key], before.get(key, "")) for key, label in CASE_REVIEW_FIGURES.items()],
        "channel_panel": stats["referrals"].get("channel-panel", 0),
    }


def to_html(
    stats: dict[str, Any],
    partnership: str,
    previous: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    geo: dict[str, Any] | None = None,
    year_parts: dict[str, Any] | None = None,
) -> str:
    """The annual report's page (`templates/annual_report.html`): `tasking stats --html` and the web's `/reports/{year}`."""
    head = f"{partnership}: year-end figures {stats['financial_year']}"
    before = stats["previous_year"]
    headline = (
        ["Figure", stats["financial_year"], before["financial_year"], "Change"],
        [[label, now, then, change_text(change)] for label, now, then, change in headline_rows(stats)]
        + [
            [
                "Reporters updated on the action taken",
                percent(stats["feedback_rate"]),
                percent((previous or {}).get("feedback_rate")),
                "",
            ]
        ],
    )
    residents = stats["asb_reports_from_residents"].get(HEADLINE_AGENCY, 0)
    change = before["change"].get(f"asb_reports_from_residents.{HEADLINE_AGENCY}")
    lead = (
        f"The council worked on {residents} reports of anti-social behaviour from residents"
        + (
            f", {abs(change['absolute'])} {'more' if change['absolute'] >= 0 else 'fewer'} than the year before"
            if change and change["absolute"] is not None
            else ""
        )
        + "."
    )
    return jinja.render(
        "annual_report.html",
        head=head,
        period=period_text(stats),
        lead=lead,
        stats=stats,
        headline=headline,
        feedback_rate=percent(stats["feedback_rate"]),
        partnership_parts=partnership_report.html_parts(stats, year_parts),
        police=_police(stats),
        escalation=_escalations(stats),
        hotspots=_hotspots(geo),
        powers=(["Power", "Count"], [[item_label("powers", k), v] for k, v in stats["powers"].items()]),
        referrals=(["Referred to", "Count"], [[item_label("referrals", k), v] for k, v in stats["referrals"].items()]),
        figures=charts(stats, previous, names),
    )


def write_report(
    stats: dict[str, Any],
    partnership: str,
    out: Path,
    previous: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    geo: dict[str, Any] | None = None,
    chain_head: str | None = None,
    year_parts: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`chain_head` (POSITION:HASH, the hash chain's head at the report's position) goes in the manifest."""
    private_folder(out)
    files = {
        "report.html": to_html(stats, partnership, previous, names, geo, year_parts),
        "figures.json": to_json(stats),
        "figures.csv": to_csv(stats, previous, names),
    }
    for name, text in files.items():
        write_private_text(out / name, text)
    picture = hotspot_png(geo) if geo is not None else None
    if picture is not None:  # the map on its own too, for other documents
        write_private_bytes(out / "hotspots.png", picture)
    manifest = {
        "financial_year": stats["financial_year"],
        "position": stats["position"],
        "fingerprint": stats["fingerprint"],
        "files": {
            name: "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(files.items())
        },
        "chain_head": chain_head,
    }
    if picture is not None:
        manifest["files"]["hotspots.png"] = "sha256:" + hashlib.sha256(picture).hexdigest()
    write_private_text(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest
