"""Time is explicit: store UTC, reason in Europe/London."""

from __future__ import annotations

import datetime as dt
import re
import functools
from typing import overload
from zoneinfo import ZoneInfo

from tasking.errors import DomainError

LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc


FIRST_YEAR, LAST_YEAR = 1800, 9998
# The forms `parse_datetime` is documented to take (the OpenAPI schema gives it for `at` and `as_of`):
# a date, or a date and time to the minute or second, with `Z` or an offset or none (Europe/London).
ISO_PATTERN = (
    r"^(?:1[89]\d\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    r"(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?$"
)

# A date alone, as `parse_date` takes it (years 1800-9998).
DATE_PATTERN = ISO_PATTERN.split("(?:T", 1)[0] + "$"


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def parse_datetime(text: str, field: str) -> dt.datetime:
    """Parse an ISO date-time; one without a zone is Europe/London local time. Returns UTC.

    A local time that the clocks skip (the spring gap) is refused, and so is one that they pass
    twice (the autumn overlap) unless it carries its offset: neither can be what the user meant.
    """
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        _check_real_date(text, field)
        raise DomainError(field, f"{text!r} is not a date-time; use ISO form, e.g. 2018-03-05T09:00") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # the calendar's arithmetic (a day either side) stays in range
        raise DomainError(field, f"{text.strip()!r} is out of range: the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    if value.tzinfo is None:
        value = wall_clock(value, text, field)
    return value.astimezone(UTC).replace(microsecond=0)


def wall_clock(naive: dt.datetime, text: str, field: str) -> dt.datetime:
    """A wall-clock time in Europe/London that exists, and exists once: the one rule for every way
    in (the CLI's and the API's times, a partner import's cells); `text` is the value as given."""
    first, second = naive.replace(tzinfo=LONDON, fold=0), naive.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    earlier, later = sorted((first, second), key=lambda v: v.astimezone(UTC))
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:  # the clocks skip it
        start = naive.replace(minute=0, second=0, microsecond=0)  # London's clocks change on the hour
        end = start + abs(first.astimezone(UTC) - second.astimezone(UTC))  # the offsets' difference
        raise DomainError(
            field,
            f"{text.strip()!r} does not exist in Europe/London: the clocks go forward from "
            f"{start:%H:%M} to {end:%H:%M} "
            f"on {naive:%Y-%m-%d}; give a time outside the gap, or with its offset",
        )
    readings = " or ".join(f"{v.isoformat(timespec='minutes')} ({v.tzname()})" for v in (earlier, later))
    raise DomainError(
        field,
        f"{text.strip()!r} happens twice in Europe/London (the clocks go back): it is {readings}; give the offset",
    )


def check_effective(value: dt.datetime, field: str, earliest: dt.date, now: dt.datetime) -> None:
    """An effective time may not be more than a day after it is recorded, nor before the earliest date."""
    if value > now + dt.timedelta(days=1):
        raise DomainError(
            field,
            f"{local_time(value)} is more than one day after now ({local_time(now)}); "
            "an effective time cannot be in the future",
        )
    if value < start_of_day(earliest):
        raise DomainError(
            field,
            f"{local_time(value)} is before the partnership's earliest date {earliest.isoformat()} "
            "(earliest_date in its configuration)",
        )


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        _check_real_date(text, field)
        raise DomainError(field, f"{text!r} is not a date; use YYYY-MM-DD") from None


def _check_real_date(text: str, field: str) -> None:
    """A date in ISO form that no calendar has (2018-02-30) is named as such, not as a bad form."""
    found = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", text)
    if found:
        try:
            dt.date(*(int(part) for part in found.groups()))
        except ValueError:
            raise DomainError(field, f"{text.strip()!r} is not a real date") from None


def has_time(text: str) -> bool:
    """Whether date-time text gives a time of day, not a date alone."""
    return bool(re.match(r"\s*\d{4}-\d{2}-\d{2}[T ]\d", text))


def local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(LONDON).date()


@functools.lru_cache(maxsize=64)
def start_of_day(day: dt.date) -> dt.datetime:
    """The UTC instant a local day starts (kept: every command checks its times against one)."""
    return at_local(day, dt.time(0, 0))


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """The UTC instant of a local wall-clock time on a day (a gap resolves forward)."""
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=LONDON)
    # A wall time that does not exist (spring gap) round-trips to a different wall time:
    # zoneinfo then gives the instant one hour later, which is the sensible reading.
    return aware.astimezone(UTC)


@overload
def iso(value: dt.datetime) -> str: ...


@overload
def iso(value: None) -> None: ...


@overload
def iso(value: dt.datetime | None) -> str | None: ...


def iso(value: dt.datetime | None) -> str | None:
    """Canonical UTC form of an effective time: fixed width, whole seconds, so text order is time order."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:19] + "Z"


def iso_precise(value: dt.datetime) -> str:
    """A recorded (wall-clock) time, to the microsecond."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def financial_year_of(value: dt.datetime) -> int:
    """The financial year (1 April to 31 March, London time) an instant falls in, by its start year."""
    day = local_date(value)
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[from, to) in UTC: 1 April `year` 00:00 to 1 April `year+1` 00:00, Europe/London."""
    return at_local(dt.date(year, 4, 1), dt.time(0, 0)), at_local(dt.date(year + 1, 4, 1), dt.time(0, 0))


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def months_before(value: dt.datetime, months: int) -> dt.datetime:
    """The same local wall-clock time `months` calendar months earlier (day clipped to month end)."""
    here = value.astimezone(LONDON)
    month_index = here.year * 12 + (here.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    import calendar as _calendar

    day = min(here.day, _calendar.monthrange(year, month)[1])
    return here.replace(year=year, month=month, day=day).astimezone(UTC)


def local_day_and_year(value: dt.datetime | str | None) -> tuple[str | None, str | None]:
    """For analysts' rows: the local date (`2018-03-05`) and the financial year (`2017/18`) of a time."""
    if not value:
        return None, None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return local_date(value).isoformat(), financial_year_label(financial_year_of(value))


def local_time(value: dt.datetime | str | None) -> str:
    """How people see a time: Europe/London, to the minute, e.g. `Mon 05 Mar 2018 09:00` ('' for none)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")
