"""The meeting calendar: working days, bank holidays, and windows across DST."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from tasking.time.meetings import MeetingCalendar, add_working_days, is_working_day, working_days_between
from tasking.time.instants import iso
from tests.conftest import at

CALENDAR = MeetingCalendar("09:00")


def window(local: str) -> tuple[str, str]:
    start, end = CALENDAR.window(CALENDAR.at_or_before(at(local)))
    return iso(start), iso(end)


def test_mondays_window_starts_on_friday_at_nine() -> None:
    assert window("2018-03-05T09:00") == ("2018-03-02T09:00:00Z", "2018-03-05T09:00:00Z")


def test_the_day_after_a_bank_holiday_covers_the_holiday() -> None:
    # Easter Monday 2 April 2018: Tuesday's window runs from Thursday (Good Friday is a holiday too).
    assert window("2018-04-03T09:00") == ("2018-03-29T08:00:00Z", "2018-04-03T08:00:00Z")


def test_the_window_over_the_spring_change_is_one_hour_shorter_in_utc() -> None:
    start, end = CALENDAR.window(CALENDAR.at_or_before(at("2018-03-26T09:00")))
    assert (iso(start), iso(end)) == ("2018-03-23T09:00:00Z", "2018-03-26T08:00:00Z")
    assert end - start == dt.timedelta(hours=71)


def test_the_window_over_the_autumn_change_is_one_hour_longer_in_utc() -> None:
    start, end = CALENDAR.window(CALENDAR.at_or_before(at("2018-10-29T09:00")))
    assert end - start == dt.timedelta(hours=73)


def test_consecutive_windows_tile_time_without_gaps_or_overlaps() -> None:
    meeting = CALENDAR.at_or_before(at("2018-12-31T09:00"))
    for _ in range(300):
        start, end = CALENDAR.window(meeting)
        assert end == meeting and start == CALENDAR.previous(meeting) and start < end
        meeting = start


def test_before_the_meeting_time_the_meeting_is_the_previous_working_day() -> None:
    assert iso(CALENDAR.at_or_before(at("2018-03-26T08:30"))) == "2018-03-23T09:00:00Z"
    assert iso(CALENDAR.at_or_after(at("2018-03-26T08:30"))) == "2018-03-26T08:00:00Z"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2018-12-25", False),
        ("2018-12-26", False),
        ("2018-12-27", True),
        ("2018-05-07", False),
        ("2018-03-03", False),
        ("2018-08-27", False),
        ("2018-08-06", True),  # Scotland's August holiday is not ours
    ],
)
def test_working_days_follow_england_and_wales(day: str, working: bool) -> None:
    assert is_working_day(dt.date.fromisoformat(day)) is working


def test_working_day_arithmetic_skips_weekends_and_holidays() -> None:
    assert add_working_days(dt.date(2018, 3, 29), 1) == dt.date(2018, 4, 3)
    assert working_days_between(dt.date(2018, 3, 29), dt.date(2018, 4, 3)) == 1


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dates(dt.date(2012, 1, 1), dt.date(2030, 12, 31)), st.integers(-40, 2000))
def test_working_days_between_counts_each_working_day_after_start_up_to_end(start: dt.date, span: int) -> None:
    """The running totals across years give what walking the days one by one gives."""
    end = start + dt.timedelta(days=span)
    walked, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        walked += is_working_day(day)
    assert working_days_between(start, end) == walked


def test_a_configured_meeting_time_moves_the_window() -> None:
    calendar = MeetingCalendar("10:30")
    start, end = calendar.window(calendar.at_or_before(at("2018-03-06T11:00")))
    assert (iso(start), iso(end)) == ("2018-03-05T10:30:00Z", "2018-03-06T10:30:00Z")


class TestTheMeetingAPersonMeans:
    """Issue 10, item 1: a date alone is that day's meeting; before the meeting time, the one about to happen."""

    @pytest.mark.parametrize(
        ("moment", "meeting"),
        [
            ("2018-03-05", "2018-03-05T09:00:00Z"),  # a date alone: Monday's meeting, not Friday's
            ("2018-03-05T08:30", "2018-03-05T09:00:00Z"),  # preparing at 08:30: the meeting about to happen
            ("2018-03-05T09:00", "2018-03-05T09:00:00Z"),
            ("2018-03-05T11:00", "2018-03-05T09:00:00Z"),  # after the meeting time: that meeting
            ("2018-03-03T11:00", "2018-03-05T09:00:00Z"),  # a Saturday: Monday's
            ("2018-04-02", "2018-04-03T08:00:00Z"),  # Easter Monday: Tuesday's (BST)
        ],
    )
    def test_meeting_for(self, moment: str, meeting: str) -> None:
        assert iso(CALENDAR.meeting_for(at(moment))) == meeting
