"""The CLI's option types and shared options: dates and times as people type them (no zone means
Europe/London), `--json`, `--user`, `--at`, the two kinds of time every read takes, `--request-id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, get_args

import click

from tasking.errors import DomainError
from tasking.time.instants import has_time, parse_date, parse_datetime


class DateTimeType(click.ParamType):
    """An ISO date-time; without a zone it is Europe/London local time. With `need_time`, a date
    alone is refused rather than read as midnight."""

    name = "DATETIME"

    def __init__(self, need_time: bool = False) -> None:
        self.need_time = need_time

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            parsed = parse_datetime(value, param.name if param else "datetime")
        except DomainError as exc:
            self.fail(exc.rule, param, ctx)
        if self.need_time and not has_time(value):
            self.fail(
                f"{value.strip()!r} has no time of day; give it, e.g. {value.strip()}T21:30 "
                "(a date alone would read as midnight)",
                param,
                ctx,
            )
        return parsed


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value, param.name if param else "date")
        except DomainError as exc:
            self.fail(exc.rule, param, ctx)


DATETIME = DateTimeType()
DATETIME_WITH_TIME = DateTimeType(need_time=True)
DATE = DateType()


def request_id(ctx: click.Context) -> str | None:
    """The `--request-id` (or TASKING_REQUEST_ID) given to this write, if any."""
    return ctx.meta.get("tasking.request_id")


def _keep_request_id(ctx: click.Context, _param: Any, value: str | None) -> None:
    if value is None or value == "":
        return
    value = value.strip()
    if not 1 <= len(value) <= 200 or any(c.isspace() for c in value):
        raise click.BadParameter("must be 1 to 200 characters without spaces")
    ctx.meta["tasking.request_id"] = value


def request_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--request-id",
        envvar="TASKING_REQUEST_ID",
        metavar="ID",
        expose_value=False,
        callback=_keep_request_id,
        help="Make this write safe to retry: the same id again writes nothing and prints the first result. "
        "Env: TASKING_REQUEST_ID.",
    )(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)


def user_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--user", metavar="ID", help="Acting user (default: `tasking --user`, or TASKING_USER).")(fn)


def at_option(help_text: str = "When it happened (default now); no zone means Europe/London.") -> Callable[..., Any]:
    return click.option("--at", type=DATETIME, default=None, help=help_text)


def read_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The two kinds of time every read takes: effective (`--at`) and recorded (`--as-of`, `--position`)."""
    fn = click.option(
        "--position",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Recorded time: only what the record held up to this position (printed in --json).",
    )(fn)
    fn = click.option(
        "--as-of",
        "as_of",
        type=DATETIME,
        default=None,
        help="Recorded time: only what had been recorded by this moment.",
    )(fn)
    return click.option(
        "--at", type=DATETIME, default=None, help="Effective time: the world as it stood at this moment (default now)."
    )(fn)


def write_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    return request_option(json_option(user_option(at_option()(fn))))


def choice_of(literal: object) -> click.Choice:
    """The command's own Literal type is the one list of allowed values."""
    return click.Choice(list(get_args(literal)))
