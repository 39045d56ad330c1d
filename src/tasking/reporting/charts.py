"""The annual report's charts: matplotlib PNGs as data URIs (matplotlib imported only when a chart is
drawn), and the hotspot map.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from tasking.reporting.report_words import LAST_YEAR, THIS_YEAR, headline_rows, item_label, last_year_key


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
        then = [previous["by_month"].get(last_year_key("by_month", m), 0) for m in months]
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
