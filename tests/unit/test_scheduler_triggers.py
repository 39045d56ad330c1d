"""Pack times come from apscheduler's own trigger, across DST changes and bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.scheduler import WorkingDayTrigger
from tasking.time.instants import LONDON

PACK = WorkingDayTrigger(dt.time(8, 30))


def fires(start: str, count: int) -> list[str]:
    now = dt.datetime.fromisoformat(start).replace(tzinfo=LONDON)
    out, previous = [], None
    for _ in range(count):
        previous = PACK.get_next_fire_time(previous, now if previous is None else previous)
        out.append(previous.astimezone(dt.timezone.utc).strftime("%a %Y-%m-%d %H:%MZ"))
    return out


def test_across_the_spring_change_the_utc_time_moves_an_hour_earlier() -> None:
    assert fires("2018-03-23T08:31", 2) == ["Mon 2018-03-26 07:30Z", "Tue 2018-03-27 07:30Z"]


def test_across_the_autumn_change_the_utc_time_moves_an_hour_later() -> None:
    assert fires("2018-10-26T08:00", 2) == ["Fri 2018-10-26 07:30Z", "Mon 2018-10-29 08:30Z"]


def test_easter_is_skipped() -> None:
    assert fires("2018-03-29T08:31", 1) == ["Tue 2018-04-03 07:30Z"]


def test_christmas_and_boxing_day_are_skipped() -> None:
    assert fires("2018-12-24T08:31", 1) == ["Thu 2018-12-27 08:30Z"]


@pytest.mark.parametrize("holiday", ["2018-05-07", "2018-05-28", "2018-08-27", "2019-01-01"])
def test_no_pack_on_a_bank_holiday(holiday: str) -> None:
    day = dt.date.fromisoformat(holiday)
    fired = fires(f"{day - dt.timedelta(days=1)}T08:31", 1)[0]
    assert holiday not in fired
