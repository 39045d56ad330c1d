"""The annual report: a self-contained HTML page with charts, plus JSON, CSV, Markdown and a manifest.

It reads like the seed's report (the Sevenoaks District CSP annual report 2017-18): its own
headline first (ASB reports from residents to the council, with the change on last year), the
period in words, rates as percentages, and labels in words rather than keys. Charts are
matplotlib PNGs embedded as data URIs, so the page opens anywhere with no network; matplotlib is
imported only when a chart is drawn. Nothing here reads the clock: the same figures give the same
files, byte for byte.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from tasking.interchange.cells import neutral_row
from tasking.files import private_folder, write_private_bytes, write_private_text
from tasking.reporting import jinja, partnership_report

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


def _change(now: int, before: int | None) -> dict[str, Any]:
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


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key in sorted(value):
            out += flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, value)]


def wide_rows(
    stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> list[list[Any]]:
    """Every count and every breakdown: figure, item, label, this year, last year, change, change %."""
    before = previous or {}
    rows: list[list[Any]] = []

    def add(figure: str, item: str, label: str, now: int, then: int | None) -> None:
        change = _change(now, then)
        rows.append(
            [
                figure,
                item,
                label,
                now,
                "" if then is None else then,
                "" if change["absolute"] is None else change["absolute"],
                "" if change["percent"] is None else change["percent"],
            ]
        )

    for name, label in COUNTS.items():
        add(name, "", label, stats[name], before.get(name, stats["previous_year"].get(name)))
    for key, label in (("owed", "Reporters owed an update"), ("given", "Reporters given an update")):
        then = (before.get("feedback") or {}).get(key)
        add("feedback", key, label, stats["feedback"][key], then)
    rate, rate_before = stats.get("feedback_rate"), before.get("feedback_rate")
    rows.append(
        [
            "feedback_rate",
            "",
            f"{FEEDBACK_LABEL} (%)",
            "" if rate is None else round(rate * 100, 1),
            "" if rate_before is None else round(rate_before * 100, 1),
            "" if rate is None or rate_before is None else round((rate - rate_before) * 100, 1),
            "",
        ]
    )
    for group in GROUPS:
        now_group = stats.get(group) or {}
        then_group = before.get(group, stats["previous_year"].get(group))  # None: last year not given
        items = list(now_group) if group == "by_month" else sorted(set(now_group) | set(then_group or {}))
        for item in items:
            then = None if then_group is None else then_group.get(_last_year_key(group, item), 0)
            add(group, item, item_label(group, item, names), now_group.get(item, 0), then)
    for group, key, label, now, then in escalation_rows(stats):
        add(group, key, label, now, then)
    police = stats.get("police_recorded")
    if police is not None:
        then_police = before.get("police_recorded") or stats["previous_year"].get("police_recorded") or {}
        add(
            "police_recorded",
            "asb_incidents",
            "Police-recorded ASB incidents (data.police.uk)",
            police["asb_incidents"],
            then_police.get("asb_incidents"),
        )
        for breakdown in ("by_area", "by_month"):
            for item, count in (police.get(breakdown) or {}).items():
                add(f"police_recorded.{breakdown}", item, item_label(breakdown, item, names), count, None)
    return rows


def _last_year_key(group: str, item: str) -> str:
    """The same entry a year earlier: a month moves back a year; anything else is itself."""
    if group == "by_month":
        return f"{int(item[:4]) - 1}{item[4:]}"
    return item


def to_csv(stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> str:
    """A wide CSV for a spreadsheet: one row per figure or breakdown entry, this year against last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    before_label = stats["previous_year"]["financial_year"]
    writer.writerow(["figure", "item", "label", stats["financial_year"], before_label, "change", "change_percent"])
    writer.writerows(neutral_row(list(row)) for row in wide_rows(stats, previous, names))
    writer.writerows(neutral_row(list(row)) for row in partnership_report.csv_rows(stats, previous))  # issue 26
    return buffer.getvalue()


def to_json(stats: dict[str, Any]) -> str:
    return json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_markdown(
    stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> str:
    before = stats["previous_year"]
    lines = [
        f"# Year-end figures {stats['financial_year']}",
        "",
        f"{period_text(stats)}.",
        "",
        f"| Figure | {stats['financial_year']} | {before['financial_year']} | Change |",
        "|---|---:|---:|---:|",
    ]
    for label, now, then, change in headline_rows(stats):
        lines.append(f"| {label} | {now} | {then} | {change_text(change)} |")
    lines.append(
        f"| {FEEDBACK_LABEL} | {percent(stats['feedback_rate'])} | {percent((previous or {}).get('feedback_rate'))} | |"
    )
    for group in ("powers", "referrals", "by_area", "by_category", "by_source", "by_month"):
        lines += ["", f"## {GROUPS[group]}", "", "| | Count |", "|---|---:|"]
        lines += [f"| {item_label(group, name, names)} | {count} |" for name, count in stats[group].items()]
    escalations = escalation_rows(stats)
    if escalations:
        lines += [
            "",
            f"## {ESCALATIONS_HEADING}",
            "",
            f"| | {stats['financial_year']} | {before['financial_year']} |",
            "|---|---:|---:|",
        ]
        lines += [f"| {label} | {now} | {'' if then is None else then} |" for _, _, label, now, then in escalations]
    lines += ["", f"Event position {stats['position']} · `{stats['fingerprint']}`"]
    return "\n".join(lines) + "\n"


# --- charts -----------------------------------------------------------------------------------


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "tasking"
    return plt


def _png(fig: Any) -> str:
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _tidy(ax: Any, title: str) -> None:
    ax.set_title(title, loc="left", pad=24)
    ax.spines[["top", "right"]].set_visible(False)


def _legend_above(ax: Any) -> None:
    """The legend sits between the title and the plot, never over the bars."""
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, borderaxespad=0.2)


def _bar(data: dict[str, int], title: str, labels: dict[str, str], keep_zeros: bool = False) -> str:
    items = [(k, v) for k, v in data.items() if v or keep_zeros] or list(data.items())
    items.sort(key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))
    fig, ax = _pyplot().subplots(figsize=(8, max(2.5, 0.34 * len(items))))
    names, values = [labels.get(k, k) for k, _ in items], [v for _, v in items]
    bars = ax.barh(names[::-1], values[::-1], color=THIS_YEAR)
    ax.bar_label(bars, padding=3, fontsize=8)
    _tidy(ax, title)
    return _png(fig)


def _months(stats: dict[str, Any], previous: dict[str, Any] | None) -> str:
    months = list(stats["by_month"])
    fig, ax = _pyplot().subplots(figsize=(9, 3.8))
    words = [dt.date.fromisoformat(f"{m}-01").strftime("%b") for m in months]
    if previous is not None:
        then = [previous["by_month"].get(_last_year_key("by_month", m), 0) for m in months]
        ax.plot(words, then, marker="o", color=LAST_YEAR, linewidth=2, label=previous["financial_year"])
    ax.plot(
        words,
        [stats["by_month"][m] for m in months],
        marker="o",
        color=THIS_YEAR,
        linewidth=2,
        label=stats["financial_year"],
    )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Reports received")
    _legend_above(ax)
    _tidy(ax, "Reports received each month, this year against last")
    return _png(fig)


def _against_last(stats: dict[str, Any], rows: list[tuple[str, int, int, Any]], title: str) -> str:
    before = stats["previous_year"]
    fig, ax = _pyplot().subplots(figsize=(9, 3.8))
    positions = list(range(len(rows)))
    old = ax.bar(
        [p - 0.2 for p in positions],
        [then for _, _, then, _ in rows],
        width=0.4,
        label=before["financial_year"],
        color=LAST_YEAR,
    )
    new = ax.bar(
        [p + 0.2 for p in positions],
        [now for _, now, _, _ in rows],
        width=0.4,
        label=stats["financial_year"],
        color=THIS_YEAR,
    )
    ax.bar_label(old, padding=2, fontsize=8)
    ax.bar_label(new, padding=2, fontsize=8)
    ax.set_xticks(positions, [label for label, _, _, _ in rows], rotation=20, ha="right")
    _legend_above(ax)
    _tidy(ax, title)
    return _png(fig)


def charts(
    stats: dict[str, Any], previous: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> dict[str, str]:
    """Caption -> PNG data URI. Small counts (under a tenth of the largest) get a chart of their own."""
    rows = headline_rows(stats)
    largest = max([max(now, then) for _, now, then, _ in rows] + [1])
    small = [row for row in rows if max(row[1], row[2]) * 10 < largest]
    large = [row for row in rows if row not in small]
    areas = {k: item_label("by_area", k, names) for k in stats["by_area"]}
    categories = {k: item_label("by_category", k, names) for k in stats["by_category"]}
    found = {
        "Reports by area": _bar(stats["by_area"], "Reports by area", areas, keep_zeros=True),
        "Reports by category": _bar(stats["by_category"], "Reports by category", categories),
        "Monthly trend": _months(stats, previous),
        "This year against last": _against_last(stats, large, "This year against last"),
    }
    if small:
        found["Smaller figures, this year against last"] = _against_last(
            stats, small, "Smaller figures, this year against last"
        )
    return found


# --- the page ---------------------------------------------------------------------------------


def hotspot_png(geo: dict[str, Any]) -> bytes:
    """Hexbin maps of the year's reports and of the police-recorded ASB, side by side, offline.

    No tiles: the only geography is the points themselves and the area names at their centroids.
    Longitude is scaled by the cosine of the latitude, so distances look right at UK latitudes.
    """
    import math

    plt = _pyplot()
    layers = [
        ("Partnership reports", geo["reports"], "Blues"),
        ("Police-recorded ASB (data.police.uk)", geo["police"], "Oranges"),
    ]
    everything = [p for _, points, _ in layers for p in points] + list(geo["centroids"].values())
    extent = None
    if everything:  # one grid for both layers, so a hexagon is the same ground on each
        lats, lons = [p[0] for p in everything], [p[1] for p in everything]
        extent = (min(lons) - 0.01, max(lons) + 0.01, min(lats) - 0.01, max(lats) + 0.01)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), sharex=True, sharey=True)
    for ax, (title, points, cmap) in zip(axes, layers, strict=True):
        if points:
            ax.hexbin(
                [p[1] for p in points],
                [p[0] for p in points],
                gridsize=28,
                cmap=cmap,
                mincnt=1,
                extent=extent,
                linewidths=0.2,
                edgecolors="#ffffff",
            )
        else:
            ax.text(
                0.5,
                0.5,
                "no points with coordinates",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="#666666",
            )
        for area, (lat, lon) in geo["centroids"].items():
            ax.annotate(
                area,
                (lon, lat),
                fontsize=7,
                ha="center",
                va="center",
                color="#222222",
                bbox={"boxstyle": "round,pad=0.15", "fc": "#ffffffb0", "ec": "none"},
            )
        for lat, lon, _place in geo.get("cctv", []):  # mobile CCTV deployments (issue 26)
            ax.plot(lon, lat, marker="s", markersize=7, color="#c0392b", markeredgecolor="#ffffff", linestyle="none")
        ax.set_title(f"{title}: {len(points)}")
        ax.set_xlabel("longitude")
        ax.spines[["top", "right"]].set_visible(False)
        if everything:
            middle = sum(p[0] for p in everything) / len(everything)
            ax.set_aspect(1 / math.cos(math.radians(middle)))
    axes[0].set_ylabel("latitude")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


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
