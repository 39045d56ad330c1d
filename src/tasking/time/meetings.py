"""The daily tasking meeting calendar: working days in England and Wales, at the configured time.

A meeting's window runs from the previous meeting (exclusive) to this one (inclusive), so Monday's
covers the weekend and the day after a bank holiday covers the holiday. Windows are computed from
instants in UTC, so a DST change neither loses nor doubles an hour.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from tasking.time.instants import at_local, local_date

_MAX_GAP_DAYS = 30  # no run of non-working days is longer than this


@lru_cache(maxsize=1)
def _bank_holidays() -> holidays.HolidayBase:
    # England and Wales share their bank holidays; the `holidays` package keeps the list.
    return holidays.country_holidays("GB", subdiv="ENG")


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


@lru_cache(maxsize=256)
def _working_days_to(year: int) -> tuple[int, ...]:
    """For each day of `year` (index 0 is 1 January), the working days from 1 January to it, inclusive."""
    counts, total, day = [], 0, dt.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += dt.timedelta(days=1)
    return tuple(counts)


_EPOCH_YEAR = 2000  # working day numbers count from 1 January of this year


@lru_cache(maxsize=1024)
def _working_days_before(year: int) -> int:
    """Working days from 1 January of the epoch year up to 1 January of `year` (negative before it)."""
    if year >= _EPOCH_YEAR:
        return sum(_working_days_to(y)[-1] for y in range(_EPOCH_YEAR, year))
    return -sum(_working_days_to(y)[-1] for y in range(year, _EPOCH_YEAR))


@lru_cache(maxsize=8192)
def working_day_number(day: dt.date) -> int:
    """The calendar of working days as numbers: the working days from 1 January 2000 up to and
    including `day` (so a working day's number is one more than the working day's before it, and a
    weekend or bank holiday shares the number of the working day before it). The working days after
    `a` up to and including `b` are `number(b) - number(a)`, and a working day `n` working days
    after `a` has the number `number(a) + n`: counting is two lookups, however far apart."""
    return _working_days_before(day.year) + _working_days_to(day.year)[day.timetuple().tm_yday - 1]


@lru_cache(maxsize=8192)
def add_working_days(day: dt.date, count: int) -> dt.date:
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    return working_day_number(end) - working_day_number(start)


class MeetingCalendar:
    def __init__(self, meeting_time: str = "09:00") -> None:
        hours, minutes = (int(part) for part in meeting_time.split(":"))
        self.time = dt.time(hours, minutes)

    def meeting_on(self, day: dt.date) -> dt.datetime:
        return at_local(day, self.time)

    def is_meeting(self, instant: dt.datetime) -> bool:
        """A real meeting: a working day (England and Wales bank holidays excluded) at the meeting time."""
        day = local_date(instant)
        return is_working_day(day) and self.meeting_on(day) == instant

    def at_or_before(self, instant: dt.datetime) -> dt.datetime:
        """The meeting at `instant`, or the last one before it."""
        day = local_date(instant)
        for _ in range(_MAX_GAP_DAYS):
            if is_working_day(day) and self.meeting_on(day) <= instant:
                return self.meeting_on(day)
            day -= dt.timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_GAP_DAYS} days before {instant}")

    def at_or_after(self, instant: dt.datetime) -> dt.datetime:
        """The meeting at `instant`, or the next one after it."""
        day = local_date(instant)
        for _ in range(_MAX_GAP_DAYS):
            if is_working_day(day) and self.meeting_on(day) >= instant:
                return self.meeting_on(day)
            day += dt.timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_GAP_DAYS} days after {instant}")

    def meeting_for(self, instant: dt.datetime) -> dt.datetime:
        """The meeting a person means by a moment: that day's meeting once it has started (so `--at`
        after the meeting time is that meeting), otherwise the meeting about to happen (so a date
        alone, or 08:30 while preparing, is that day's meeting; a weekend means Monday's)."""
        day = local_date(instant)
        if is_working_day(day) and self.meeting_on(day) <= instant:
            return self.meeting_on(day)
        return self.at_or_after(instant)

    def previous(self, meeting: dt.datetime) -> dt.datetime:
        return self.at_or_before(meeting - dt.timedelta(seconds=1))

    def window(self, meeting: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """(from, to]: everything received after the previous meeting, up to this one."""
        return self.previous(meeting), meeting
