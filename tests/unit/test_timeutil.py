"""Time is explicit: UTC stored, Europe/London reasoned, across DST."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.errors import DomainError
from tasking.time.instants import financial_year_bounds, financial_year_of, iso, parse_datetime


def test_a_time_without_zone_is_london_local_time_in_summer() -> None:
    assert iso(parse_datetime("2018-07-01T09:00", "at")) == "2018-07-01T08:00:00Z"


def test_a_time_without_zone_is_london_local_time_in_winter() -> None:
    assert iso(parse_datetime("2018-01-01T09:00", "at")) == "2018-01-01T09:00:00Z"


def test_an_explicit_zone_is_kept() -> None:
    assert iso(parse_datetime("2018-07-01T09:00+00:00", "at")) == "2018-07-01T09:00:00Z"


def test_a_malformed_time_names_the_field() -> None:
    with pytest.raises(DomainError, match="occurred: 'yesterday' is not a date-time"):
        parse_datetime("yesterday", "occurred")


def test_financial_year_boundaries_are_london_midnight() -> None:
    start, end = financial_year_bounds(2017)
    assert iso(start) == "2017-03-31T23:00:00Z"  # 1 April 2017 00:00 BST
    assert iso(end) == "2018-03-31T23:00:00Z"  # 1 April 2018 00:00 BST


@pytest.mark.parametrize(
    ("local", "year"),
    [
        ("2018-04-01T00:30", 2018),
        ("2018-03-31T23:30", 2017),
        ("2017-04-01T00:00", 2017),
        ("2018-01-15T12:00", 2017),
    ],
)
def test_financial_year_of(local: str, year: int) -> None:
    assert financial_year_of(parse_datetime(local, "at")) == year


def test_effective_times_sort_as_text() -> None:
    early = parse_datetime("2018-03-05T09:00:00", "at")
    assert iso(early) < iso(early + dt.timedelta(seconds=1))


@pytest.mark.parametrize("text", ["2018-03-25T01:00", "2018-03-25T01:30", "2018-03-25T01:59", "2019-03-31T01:15"])
def test_a_local_time_in_the_spring_gap_is_refused_naming_the_gap(text: str) -> None:
    with pytest.raises(
        DomainError, match=r"does not exist in Europe/London: the clocks go forward from 01:00 to 02:00"
    ):
        parse_datetime(text, "at")


def test_the_edges_of_the_spring_gap_exist() -> None:
    assert iso(parse_datetime("2018-03-25T00:59", "at")) == "2018-03-25T00:59:00Z"
    assert iso(parse_datetime("2018-03-25T02:00", "at")) == "2018-03-25T01:00:00Z"


def test_a_local_time_in_the_autumn_overlap_needs_its_offset() -> None:
    with pytest.raises(DomainError) as refused:
        parse_datetime("2017-10-29T01:30", "at")
    assert "2017-10-29T01:30+01:00 (BST) or 2017-10-29T01:30+00:00 (GMT)" in refused.value.rule
    assert iso(parse_datetime("2017-10-29T01:30+01:00", "at")) == "2017-10-29T00:30:00Z"
    assert iso(parse_datetime("2017-10-29T01:30Z", "at")) == "2017-10-29T01:30:00Z"
    assert iso(parse_datetime("2017-10-29T02:00", "at")) == "2017-10-29T02:00:00Z"  # after the overlap: once


def test_effective_times_are_kept_between_the_earliest_date_and_a_day_after_now() -> None:
    from tasking.time.instants import check_effective

    now = parse_datetime("2018-03-05T09:00", "now")
    earliest = dt.date(2000, 1, 1)
    check_effective(now + dt.timedelta(days=1), "at", earliest, now)
    check_effective(parse_datetime("2000-01-01T00:00", "at"), "at", earliest, now)
    with pytest.raises(
        DomainError, match=r"at: Tue 06 Mar 2018 09:00 is more than one day after now \(Mon 05 Mar 2018 09:00\)"
    ):
        check_effective(now + dt.timedelta(days=1, seconds=1), "at", earliest, now)
    with pytest.raises(DomainError, match="received: Fri 31 Dec 1999 23:59 is before the partnership's earliest date"):
        check_effective(parse_datetime("1999-12-31T23:59", "at"), "received", earliest, now)


def test_a_stored_configuration_without_earliest_date_gets_the_default() -> None:
    from tasking.config import default_config_text, parse_config

    text = "\n".join(line for line in default_config_text().splitlines() if not line.startswith("earliest_date"))
    assert "earliest_date" not in text and parse_config(text).earliest_date == dt.date(2000, 1, 1)
    with pytest.raises(DomainError, match="earliest_date"):
        parse_config(default_config_text().replace("earliest_date = 2000-01-01", "earliest_date = 1850-01-01"))


def test_the_projections_remembered_day_and_year_match_the_plain_function_across_clock_changes() -> None:
    from tasking.projections.memo import day_and_year
    from tasking.time.instants import local_day_and_year

    start = dt.datetime(2017, 3, 25, 20, 0, tzinfo=dt.timezone.utc)  # spans 26 March 2017 (forward) ...
    instants = [start + dt.timedelta(minutes=17 * step) for step in range(600)]
    autumn = dt.datetime(2017, 10, 28, 20, 0, tzinfo=dt.timezone.utc)  # ... and 29 October 2017 (back)
    instants += [autumn + dt.timedelta(minutes=17 * step) for step in range(600)]
    instants += [
        dt.datetime(2018, 3, 31, 22, 59, 59, tzinfo=dt.timezone.utc),  # 23:59:59 BST, 31 March
        dt.datetime(2018, 3, 31, 23, 0, tzinfo=dt.timezone.utc),
    ]  # 00:00 BST, 1 April: next year
    for value in instants + list(reversed(instants)):  # the second pass reads what the first remembered
        assert day_and_year(value) == local_day_and_year(value), value
    assert day_and_year(instants[-1]) == ("2018-04-01", "2018/19")
    assert day_and_year(None) == (None, None)
