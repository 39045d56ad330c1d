"""The calendar of working-day numbers agrees with walking the days one by one (`is_working_day`,
`add_working_days`) over years of bank holidays and clock changes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tasking.time.meetings import add_working_days, is_working_day, working_day_number, working_days_between

FIRST, LAST = dt.date(1998, 12, 1), dt.date(2027, 1, 31)  # across the epoch year and many years of holidays


def test_each_day_adds_one_to_the_number_only_when_it_is_a_working_day() -> None:
    day = FIRST
    while day < LAST:
        after = day + dt.timedelta(days=1)
        assert working_day_number(after) - working_day_number(day) == is_working_day(after), after
        day = after


def test_a_number_of_working_days_on_is_the_number_plus_that_many() -> None:
    """Over the bank holidays and the clock changes of 2016 to 2019, day by day."""
    day = dt.date(2016, 1, 1)
    while day < dt.date(2020, 1, 1):
        for count in (1, 2, 5, 10, 15):
            assert working_day_number(add_working_days(day, count)) == working_day_number(day) + count, (day, count)
        day += dt.timedelta(days=1)


def test_easter_christmas_and_the_clocks_changing() -> None:
    # Good Friday 30 March and Easter Monday 2 April 2018; the clocks went forward on Sunday 25 March.
    assert working_day_number(dt.date(2018, 4, 3)) - working_day_number(dt.date(2018, 3, 23)) == 5
    # Christmas Day and Boxing Day 2018; the clocks went back on Sunday 28 October.
    assert working_day_number(dt.date(2018, 12, 27)) - working_day_number(dt.date(2018, 12, 24)) == 1
    assert working_day_number(dt.date(2018, 10, 29)) - working_day_number(dt.date(2018, 10, 26)) == 1
    # A weekend or a holiday shares the number of the working day before it.
    assert working_day_number(dt.date(2018, 4, 2)) == working_day_number(dt.date(2018, 3, 29))
    assert working_day_number(dt.date(2000, 1, 3)) == 0  # the bank holiday for New Year's Day 2000
    assert working_day_number(dt.date(2000, 1, 4)) == 1


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dates(FIRST, LAST), st.dates(FIRST, LAST))
def test_the_difference_of_numbers_counts_the_working_days_walked(start: dt.date, end: dt.date) -> None:
    walked, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        walked += is_working_day(day)
    assert working_days_between(start, end) == walked == max(0, working_day_number(end) - working_day_number(start))
