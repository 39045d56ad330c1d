"""Item 14 of issue 10: the annual report reads like the seed's."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tasking.commands import UsePower
from tasking.queries.stats import year_stats
from tasking.reporting import annual_report, charts
from tests.conftest import Desk


@pytest.fixture(name="years")
def fixture_years(desk: Desk) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two years: more council reports from residents this year, one police report, one power."""
    for when in ("2016-06-01T10:00", "2016-07-01T10:00"):
        desk.report(when, area="Swanley")
    for month in range(4, 15):  # April 2017 to February 2018
        desk.report(f"{2017 + (month > 12)}-{(month - 1) % 12 + 1:02d}-01T10:00", area="Edenbridge")
    case = desk.report("2017-09-01T10:00", source="POLICE", area="Swanley")
    desk.send(UsePower, when="2017-09-02T10:00", case=case, power="CPW")
    position = desk.read().point.position
    return year_stats(desk.db, desk.config, 2017, position), year_stats(desk.db, desk.config, 2016, position)


def test_the_headline_table_starts_with_the_seeds_own_headline(years) -> None:
    stats, _ = years
    label, now, then, change = annual_report.headline_rows(stats)[0]
    assert (label, now, then, change["absolute"]) == ("ASB reports from residents to the council", 11, 2, 9)


def test_period_and_rates_are_in_words_and_percentages(years) -> None:
    stats, previous = years
    page = annual_report.to_html(stats, "A partnership", previous)
    markdown = annual_report.to_markdown(stats, previous)
    for text in (page, markdown):
        assert "1 April 2017 to 31 March 2018" in text
        assert "2017-04-01T" not in text
    assert annual_report.percent(0.9444) == "94.4%"
    assert f"rate {stats['feedback_rate']}" not in page


def test_markdown_labels_are_words_not_keys(years) -> None:
    stats, previous = years
    markdown = annual_report.to_markdown(stats, previous, {"COUNCIL": "Sevenoaks District Council"})
    assert "Community Protection Warnings" in markdown and "June 2017" in markdown
    assert "Sevenoaks District Council" in markdown
    for key in ("asb_reports", "by_area", "by_month", "| CPW |", "2017-06", "_"):
        assert key not in markdown.split("Event position")[0], key


def test_the_wide_csv_has_every_breakdown_this_year_last_year_and_the_change(years, desk: Desk) -> None:
    stats, previous = years
    rows = list(csv.DictReader(io.StringIO(annual_report.to_csv(stats, previous))))
    assert list(rows[0]) == ["figure", "item", "label", "2017/18", "2016/17", "change", "change_percent"]
    by = {(r["figure"], r["item"]): r for r in rows}
    assert {item for figure, item in by if figure == "by_area"} == set(desk.config.areas.names)
    swanley = by[("by_area", "Swanley")]
    assert (swanley["2017/18"], swanley["2016/17"], swanley["change"]) == ("1", "2", "-1")
    june = by[("by_month", "2017-06")]  # a month is compared with the same month a year earlier
    assert (june["label"], june["2017/18"], june["2016/17"]) == ("June 2017", "1", "1")
    assert by[("powers", "CPW")]["2017/18"] == "1"
    assert {figure for figure, _ in by} >= {group for group in annual_report.GROUPS if stats[group] or previous[group]}


def test_the_charts_show_zero_areas_this_year_against_last_and_no_legend_over_the_bars(
    years, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats, previous = years
    drawn: list[Any] = []
    real_png = charts._png

    def keep(fig: Any) -> str:
        fig.canvas.draw()
        axes = fig.axes[0]
        legend = axes.get_legend()
        drawn.append(
            {
                "title": axes.get_title(loc="left"),
                "labels": [t.get_text() for t in axes.get_yticklabels() + axes.get_xticklabels()],
                "lines": len(axes.get_lines()),
                "legend_clear": legend is None or legend.get_window_extent().y0 >= axes.get_window_extent().y1 - 1,
            }
        )
        return real_png(fig)

    monkeypatch.setattr(charts, "_png", keep)
    captions = annual_report.charts(stats, previous)
    by_title = {d["title"]: d for d in drawn}
    assert "Brasted" in by_title["Reports by area"]["labels"]  # no report there this year, still shown
    assert by_title["Reports received each month, this year against last"]["lines"] == 2
    assert all(d["legend_clear"] for d in drawn)
    assert "Smaller figures, this year against last" in captions
    small = by_title["Smaller figures, this year against last"]["labels"]
    assert "ASB powers used" in small and "ASB powers used" not in by_title["This year against last"]["labels"]
