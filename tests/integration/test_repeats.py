"""Repeat flags: locations and people, by the configured rules."""

from __future__ import annotations

from tasking.commands import LinkCases
from tasking.queries.repeats import repeat_flags
from tests.conftest import Desk


def flags(desk: Desk, local: str, rule: str) -> list[dict]:
    return [f for f in repeat_flags(desk.db, desk.config, desk.read(local).point) if f["rule"] == rule]


def test_three_reports_at_one_location_within_28_days_flag_it(desk: Desk) -> None:
    cases = [
        desk.report(t, location=loc, anonymous=True)
        for t, loc in [
            ("2018-02-10T10:00", "12 Mill Rd"),
            ("2018-02-20T10:00", "12 mill road"),
            ("2018-03-05T10:00", "12, Mill Road"),
        ]
    ]
    assert flags(desk, "2018-03-05T09:00", "location") == []  # only two so far
    found = flags(desk, "2018-03-06T09:00", "location")
    assert [(f["count"], f["cases"], f["case"]) for f in found] == [(3, cases, cases[-1])]
    assert flags(desk, "2018-03-11T09:00", "location") == []  # the first has aged out of 28 days


def test_one_incident_reported_to_several_agencies_counts_once(desk: Desk) -> None:
    first = desk.report("2018-03-01T10:00", location="Bat and Ball Station", anonymous=True)
    second = desk.report("2018-03-01T10:05", location="Bat and Ball Station", source="POLICE", anonymous=True)
    desk.report("2018-03-02T10:00", location="Bat and Ball Station", anonymous=True)
    assert len(flags(desk, "2018-03-05T09:00", "location")) == 1
    desk.send(LinkCases, when="2018-03-02T11:00", case=second, to=first, reason="same-incident")
    assert flags(desk, "2018-03-05T09:00", "location") == []


def test_a_victim_reporting_twice_in_six_months_prompts_the_case_review(desk: Desk) -> None:
    victim = desk.people["victim"]
    first = desk.report("2017-10-01T10:00", reporter=victim, location="A")
    assert flags(desk, "2018-03-05T09:00", "person") == []
    second = desk.report("2018-03-05T10:00", victim=victim, location="B")
    found = flags(desk, "2018-03-06T09:00", "person")
    assert [(f["person"], f["cases"]) for f in found] == [(victim, [first, second])]
    assert "case review" in found[0]["prompt"]
    assert flags(desk, "2018-04-02T09:00", "person") == []  # the first is now over six months old
