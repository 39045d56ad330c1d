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


def hotspot_png(geo: dict[str, Any]) -> bytes:
    """Hexbin maps of the year's reports and of the police-recorded ASB, side by side, offline.

    No tiles: the only geography is the points themselves and the area names at their centroids.
    Longitude is scaled by the cosine of the latitude, so distances look right at UK latitudes.
    """
    import math

    layers = [("Partnership reports", geo["reports"], "Blues"), ("Police-recorded ASB (data.police.uk)", geo["police"], "Oranges")]
    everything = [p for _, points, _ in layers for p in points] + list(geo["centroids"].values())
    extent = None
    if everything:  # one grid for both layers, so a hexagon is the same ground on each
        lats, lons = [p[0] for p in everything], [p[1] for p in everything]
        extent = (min(lons) - 0.01, max(lons) + 0.01, min(lats) - 0.01, max(lats) + 0.01)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), sharex=True, sharey=True)
    for ax, (title, points, cmap) in zip(axes, layers, strict=True):
        if points:
            ax.hexbin([p[1] for p in points], [p[0] for p in points], gridsize=28, cmap=cmap, mincnt=1, extent=extent,
                      linewidths=0.2, edgecolors="#ffffff")
        else:
            ax.text(0.5, 0.5, "no points with coordinates", ha="center", va="center", transform=ax.transAxes,
                    color="#666666")
        for area, (lat, lon) in geo["centroids"].items():
            ax.annotate(area, (lon, lat), fontsize=7, ha="center", va="center", color="#222222",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "#ffffffb0", "ec": "none"})
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


def _police_table(stats: dict[str, Any]) -> str:
    police = stats.get("police_recorded")
    if not police:
        return "<p>Police-recorded ASB: not recorded for this year (see <code>tasking context import-police-uk</code>).</p>"
    before = stats["previous_year"]
    change = before["change"].get("police_recorded.asb_incidents")
    last = (before.get("police_recorded") or {}).get("asb_incidents")
    return (f"<table><tr><th></th><th>{stats['financial_year']}</th><th>{before['financial_year']}</th><th>Change</th></tr>"
            f"<tr><td>Reports to the partnership (incidents)</td><td>{stats['reports']}</td><td>{before['reports']}</td>"
            f"<td>{change_text(before['change']['reports'])}</td></tr>"
            f"<tr><td>Police-recorded ASB incidents</td><td>{police['asb_incidents']}</td>"
            f"<td>{'' if last is None else last}</td><td>{'' if change is None else change_text(change)}</td></tr></table>"
            f"<p class=\"meta\">{escape(police['source'])}; {police['months_recorded']} of 12 months recorded.</p>")


def _map_section(geo: dict[str, Any] | None) -> str:
    if geo is None:
        return ""
    src = "data:image/png;base64," + base64.b64encode(hotspot_png(geo)).decode("ascii")
    rows = "".join(f"<tr><td>{escape(area)}</td><td>{count}</td></tr>" for area, count in geo["without_coordinates"].items())
    return (f'<h2>Hotspots</h2><figure><img alt="Hotspot map" src="{src}"><figcaption>Reports and police-recorded '
            f"ASB with coordinates; area names at the centre of their points.</figcaption></figure>"
            f"<h3>Reports without coordinates, by area</h3><table><tr><th>Area</th><th>Reports</th></tr>{rows}</table>")


def to_html(stats: dict[str, Any], partnership: str, geo: dict[str, Any] | None = None) -> str:
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
<h2>Police-recorded ASB beside the partnership's reports</h2>{_police_table(stats)}
<h2>Powers used</h2><table><tr><th>Power</th><th>Count</th></tr>{powers}</table>
<h2>Referrals</h2><table><tr><th>To</th><th>Count</th></tr>{referrals}</table>
<h2>Charts</h2>{figures}
{_map_section(geo)}
<p class="meta">Event position {stats['position']} · fingerprint {escape(stats['fingerprint'])}.
Reproduce with <code>tasking stats --year {stats['financial_year'][:4]} --position {stats['position']} --json</code>.</p>
</body></html>
"""


def write_report(stats: dict[str, Any], partnership: str, out: Path, geo: dict[str, Any] | None = None) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.html": to_html(stats, partnership, geo), "figures.json": to_json(stats), "figures.csv": to_csv(stats)}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    picture = hotspot_png(geo) if geo is not None else None
    if picture is not None:  # the map on its own too, for other documents
        (out / "hotspots.png").write_bytes(picture)
    manifest = {
        "financial_year": stats["financial_year"], "position": stats["position"], "fingerprint": stats["fingerprint"],
        "files": {name: "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(files.items())},
    }
    if picture is not None:
        manifest["files"]["hotspots.png"] = "sha256:" + hashlib.sha256(picture).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
