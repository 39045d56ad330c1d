"""The briefing reads the `received_at` window of `case_versions` for its flags and prompts once: the
location flags' days, the person flags' months and the case review prompts' months are all kept in
the one person window (`shared_reads`), so neither the flags nor the prompts read it again."""

from __future__ import annotations

from tasking.queries.briefing import meeting_for
from tasking.queries.case_review_alerts import case_review_alerts
from tasking.queries.repeats import repeat_flags, shared_reads
from tests.conftest import at
from tests.integration.test_indexed_reads import statements


def test_repeat_flags_and_case_review_prompts_read_no_case_versions_beyond_the_shared_window(desk) -> None:
    victim = desk.people["victim"]
    for day in (1, 2, 3):
        desk.report(f"2018-03-0{day}T10:00", location="12 Mill Road", victim=victim)
    read = desk.read()
    point = read.point.until(meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00")))
    shared = shared_reads(read.db, read.config, point)
    flags: list = []
    alerts: list = []
    sql = statements(read.db, lambda: flags.extend(repeat_flags(read.db, read.config, point, shared)))
    sql += statements(read.db, lambda: alerts.extend(case_review_alerts(read.db, read.config, point, shared)))
    assert {flag["rule"] for flag in flags} == {"location", "person"}
    assert alerts and {alert["kind"] for alert in alerts} == {"prompt"}
    assert not [statement for statement in sql if "case_versions" in statement], sql
    # and the flags read on their own (`tasking repeats`) are the same flags
    assert repeat_flags(read.db, read.config, point) == flags
