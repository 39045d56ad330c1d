"""The year statistics are counted by SQL over one year's rows (`tasking.queries.stats_counts`), and
each count is the length of the list `--explain` shows (`tasking.queries.stats_lists`): on the demo,
at several recorded positions, every list's size is the count. The counting reads only the year's
rows: `EXPLAIN QUERY PLAN` of every statement that `year_stats` runs shows no full scan of the
activity or state tables."""

from __future__ import annotations

import re

import pytest

from tasking.bootstrap import bootstrap
from tasking.queries import stats_counts, stats_figures, stats_lists, stats_reports
from tasking.queries.stats import year_stats
from tasking.settings import Settings
from tests.helpers.stores import copy_demo

TABLES = ("activity", "case_versions", "tasking_versions", "cases", "taskings")


@pytest.fixture(name="demo", scope="module")
def fixture_demo(tmp_path_factory, demo_template):
    store = copy_demo(demo_template, tmp_path_factory.mktemp("counts"))
    services = bootstrap(Settings(store=store, views=store.removesuffix(".db") + ".views.db"))
    yield services.read(user="coordinator")
    services.close()


def test_every_count_is_the_length_of_its_list_at_every_position(demo) -> None:
    db, config, head = demo.db, demo.config, demo.point.position
    special, _ = stats_counts._special(db, head)
    assert special, "the demo corrects and links reports: the folded path is exercised"
    for position in (head, head * 3 // 4, head // 2, head // 5):
        for year in (2016, 2017):
            cases = stats_reports.reports(db, position, (year,))
            found = stats_lists.contributions(
                db, config, year, position, cases, stats_reports.incidents(db, position, cases)
            )
            assert stats_counts.sizes(db, config, year, position) == stats_figures.of_lists(found), (year, position)


def full_scans(db, sql: str) -> list[str]:
    steps = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
    return [s for s in steps if s.startswith("SCAN") and any(re.search(rf"\b{t}\b", s) for t in TABLES)]


def test_year_stats_reads_only_the_year_s_rows(demo) -> None:
    db = demo.db
    assert full_scans(db, "SELECT COUNT(*) FROM activity WHERE user = 'coordinator'")  # what a full scan looks like
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)  # each statement with its values bound
    try:
        year_stats(db, demo.config, 2017, demo.point.position)
    finally:
        db.conn.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert any("FROM activity" in sql for sql in selects)
    for sql in selects:
        assert not full_scans(db, sql), sql
