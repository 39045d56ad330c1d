"""Issue 25, item 9: the year's figures agree across the terminal, Markdown, HTML and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tasking.reporting.annual_report import CASE_REVIEW_FIGURES, COUNTS, ESCALATIONS_HEADING, FEEDBACK_LABEL
from tests.e2e.test_local_times import fixture_desk, invoke  # noqa: F401  (the fixture, by name)


def test_the_terminal_shows_the_rate_as_a_percentage_and_the_escalation_figures(desk: None) -> None:
    for args in (
        ["follow-up", "CSU-2017-00002", "--kind", "visit", "--outcome", "Spoke to them", "--at", "2017-04-28T10:00"],
        ["update-reporter", "CSU-2017-00002", "--channel", "phone", "--note", "Told", "--at", "2017-04-29T10:00"],
    ):
        assert invoke(*args)[0] == 0
    code, out, err = invoke("stats", "--year", "2017")
    assert code == 0, err
    figures = json.loads(invoke("stats", "--year", "2017", "--json")[1])
    assert f"{figures['feedback_rate'] * 100:.1f}%" in out and "(rate 0." not in out
    for label in (
        "Applications for an ASB case review",
        "Task and Finish groups set up",
        "Community MARAC meetings",
        COUNTS["reports_received"],
        COUNTS["reports"],
    ):
        assert label in " ".join(out.split()), label


def test_the_csv_has_every_figure_and_names_reports_apart(desk: None) -> None:
    figures = json.loads(invoke("stats", "--year", "2017", "--json")[1])
    rows = list(csv.DictReader(io.StringIO(invoke("stats", "--year", "2017", "--csv")[1])))
    names = {row["figure"] for row in rows}
    assert {
        "case_reviews",
        "task_and_finish_groups",
        "community_marac",
        "reports_received",
        "reports",
        "feedback",
    } <= names
    by = {(row["figure"], row["item"]): row for row in rows}
    assert by[("reports_received", "")]["2017/18"] == str(figures["reports_received"])
    assert by[("feedback", "owed")]["2017/18"] == str(figures["feedback"]["owed"])
    assert by[("feedback", "given")]["2017/18"] == str(figures["feedback"]["given"])
    assert by[("case_reviews", "applications")]["2017/18"] == str(figures["case_reviews"]["applications"])
    assert by[("task_and_finish_groups", "opened")]["2017/18"] == str(figures["task_and_finish_groups"]["opened"])
    assert by[("reports", "")]["label"] != by[("reports_received", "")]["label"]


def test_markdown_uses_the_html_s_words(desk: None, tmp_path: Path) -> None:
    markdown = invoke("stats", "--year", "2017", "--markdown")[1]
    assert invoke("stats", "--year", "2017", "--html", "--out", str(tmp_path / "report"))[0] == 0
    html = (tmp_path / "report" / "report.html").read_text()
    for words in (ESCALATIONS_HEADING, FEEDBACK_LABEL, *CASE_REVIEW_FIGURES.values()):
        assert words in markdown and words in html, words
    assert "| applications |" not in markdown
