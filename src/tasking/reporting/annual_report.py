"""The annual report: a self-contained HTML page with charts, plus JSON, CSV and a manifest.

Charts are matplotlib PNGs embedded as data URIs, so the page opens anywhere with no network.
Nothing here reads the clock: the same figures give the same files, byte for byte.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from html import escape
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams["svg.hashsalt"] = "tasking"


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key in sorted(value):
            out += flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, value)]


def to_csv(stats: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["figure", "value"])
    for key, value in flatten(stats):
        writer.writerow([key, "" if value is None else value])
    return buffer.getvalue()


def to_json(stats: dict[str, Any]) -> str:
    return json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_markdown(stats: dict[str, Any]) -> str:
    lines = [f"# Year-end figures {stats['financial_year']}", "",
             f"Position {stats['position']} · `{stats['fingerprint']}`", "", "| Figure | This year | Last year | Change |",
             "|---|---:|---:|---:|"]
    before = stats["previous_year"]
    for key, change in before["change"].items():
        if "." in key:
            group, name = key.split(".", 1)
            now, then = stats[group].get(name, 0), before[group].get(name, 0)
        else:
            now, then = stats[key], before[key]
        lines.append(f"| {key.replace('_', ' ')} | {now} | {then} | {change_text(change)} |")
    for group in ("powers", "referrals", "by_area", "by_category", "by_source", "by_month"):
        lines += ["", f"## {group.replace('_', ' ').capitalize()}", "", "| | Count |", "|---|---:|"]
        lines += [f"| {name} | {count} |" for name, count in stats[group].items()]
    for group in ("case_reviews", "task_and_finish_groups", "community_marac"):
        if stats.get(group) is not None:
            lines += ["", f"## {group.replace('_', ' ').capitalize()}", "", "| | Count |", "|---|---:|"]
            lines += [f"| {name.replace('_', ' ')} | {count} |" for name, count in stats[group].items()]
    return "\n".join(lines) + "\n"


def change_text(change: dict[str, Any]) -> str:
    pct = f" ({change['percent']:+.1f}%)" if change["percent"] is not None else ""
    return f"{change['absolute']:+d}{pct}"


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bar(data: dict[str, int], title: str, horizontal: bool = True) -> str:
    items = [(k, v) for k, v in data.items() if v] or list(data.items())
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.32 * len(items))) if horizontal else (9, 3.5))
    names, values = [k for k, _ in items], [v for _, v in items]
    if horizontal:
        ax.barh(names[::-1], values[::-1], color="#2f6f9f")
    else:
        ax.bar(names, values, color="#2f6f9f")
        ax.tick_params(axis="x", rotation=45)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def charts(stats: dict[str, Any]) -> dict[str, str]:
    before = stats["previous_year"]
    fig, ax = plt.subplots(figsize=(9, 3.5))
    keys = [k for k in before["change"] if "." not in k]
    positions = range(len(keys))
    ax.bar([p - 0.2 for p in positions], [before[k] for k in keys], width=0.4, label=before["financial_year"], color="#bbbbbb")
    ax.bar([p + 0.2 for p in positions], [stats[k] for k in keys], width=0.4, label=stats["financial_year"], color="#2f6f9f")
    ax.set_xticks(list(positions), [k.replace("_", " ") for k in keys], rotation=30, ha="right")
    ax.legend()
    ax.set_title("This year against last")
    ax.spines[["top", "right"]].set_visible(False)
    return {
        "Reports by area": _bar(stats["by_area"], "Reports by area"),
        "Reports by category": _bar(stats["by_category"], "Reports by category"),
        "Monthly trend": _bar(stats["by_month"], "Reports received each month", horizontal=False),
        "This year against last": _png(fig),
    }


def to_html(stats: dict[str, Any], partnership: str) -> str:
    head = f"{partnership}: year-end figures {stats['financial_year']}"
    before = stats["previous_year"]
    rows = "".join(
        f"<tr><td>{escape(k.replace('_', ' '))}</td><td>{stats[k]}</td><td>{before[k]}</td><td>{change_text(c)}</td></tr>"
        for k, c in before["change"].items() if "." not in k
    )
    powers = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in stats["powers"].items())
    referrals = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in stats["referrals"].items())
    figures = "".join(f'<figure><img alt="{escape(t)}" src="{src}"><figcaption>{escape(t)}</figcaption></figure>'
                      for t, src in charts(stats).items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(head)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #bbb;padding:.25em .6em}}td:not(:first-child){{text-align:right}}figure{{margin:1.5em 0}}
img{{max-width:100%}}.meta{{color:#666;font-size:.85em}}</style></head><body>
<h1>{escape(head)}</h1>
<p>{escape(stats['from'])} to {escape(stats['to'])} (1 April to 31 March, UK time).</p>
<h2>Headline figures</h2>
<table><tr><th>Figure</th><th>{stats['financial_year']}</th><th>{before['financial_year']}</th><th>Change</th></tr>{rows}</table>
<p>Feedback given to {stats['feedback']['given']} of {stats['feedback']['owed']} reporters owed it
(rate {stats['feedback_rate']}).</p>
<h2>Powers used</h2><table><tr><th>Power</th><th>Count</th></tr>{powers}</table>
<h2>Referrals</h2><table><tr><th>To</th><th>Count</th></tr>{referrals}</table>
{escalations_html(stats)}<h2>Charts</h2>{figures}
<p class="meta">Event position {stats['position']} · fingerprint {escape(stats['fingerprint'])}.
Reproduce with <code>tasking stats --year {stats['financial_year'][:4]} --position {stats['position']} --json</code>.</p>
</body></html>
"""


CASE_REVIEW_FIGURES = {  # the four figures a partnership must publish each year, in the guidance's words
    "applications": "Applications for an ASB case review",
    "threshold_not_met": "Times the threshold was not met",
    "reviews": "Case reviews carried out",
    "reviews_with_recommendations": "Case reviews that led to recommendations",
}


def escalations_html(stats: dict[str, Any]) -> str:
    """The escalation routes: the ASB case review table, Task and Finish groups, the Community MARAC
    and the Channel Panel. A figure not recorded (null) is shown as such, never as zero."""
    reviews, groups, marac = (stats.get(k) for k in ("case_reviews", "task_and_finish_groups", "community_marac"))
    if reviews is None:
        return "<h2>ASB case reviews and escalation routes</h2><p>Not recorded.</p>"
    before = stats["previous_year"].get("case_reviews") or {}
    rows = "".join(f"<tr><td>{escape(label)}</td><td>{reviews[key]}</td><td>{before.get(key, '')}</td></tr>"
                   for key, label in CASE_REVIEW_FIGURES.items())
    return f"""<h2>ASB case reviews and escalation routes</h2>
<table class="case-reviews"><tr><th>ASB case review (Community Trigger)</th><th>{stats['financial_year']}</th>
<th>{stats['previous_year']['financial_year']}</th></tr>{rows}</table>
<p>Task and Finish groups: {groups['opened']} set up, {groups['completed']} completed, {groups['ongoing']} ongoing
at the end of the year.</p>
<p>Community MARAC: {marac['meetings']} meetings, {marac['cases_discussed']} cases discussed,
{marac['referrals']} referrals. Prevent Channel Panel referrals: {stats['referrals'].get('channel-panel', 0)}.</p>
"""


def write_report(stats: dict[str, Any], partnership: str, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.html": to_html(stats, partnership), "figures.json": to_json(stats), "figures.csv": to_csv(stats)}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    manifest = {
        "financial_year": stats["financial_year"], "position": stats["position"], "fingerprint": stats["fingerprint"],
        "files": {name: "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(files.items())},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
