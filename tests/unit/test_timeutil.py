"""Time is explicit: UTC stored, Europe/London reasoned, across DST."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.domain.errors import DomainError
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


@pytest.mark.parametrize(("local", "year"), [
    ("2018-04-01T00:30", 2018), ("2018-03-31T23:30", 2017), ("2017-04-01T00:00", 2017), ("2018-01-15T12:00", 2017),
])
def test_financial_year_of(local: str, year: int) -> None:
    assert financial_year_of(parse_datetime(local, "at")) == year


def test_effective_times_sort_as_text() -> None:
    early = parse_datetime("2018-03-05T09:00:00", "at")
    assert iso(early) < iso(early + dt.timedelta(seconds=1))
