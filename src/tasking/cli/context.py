"""What every CLI command shares: the services, option types, command sending and rendering."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
import structlog
from pydantic import ValidationError
from rich.console import Console

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.queries.point import Reader
from tasking.reporting.text import json_text
from tasking.errors import DomainError
from tasking.time.instants import has_time, parse_date, parse_datetime, utcnow

if TYPE_CHECKING:  # the command layer is imported by the writes that use it, not by every read
    from tasking.commands import Command

# Pydantic field names -> the CLI option a user typed.
_OPTION_NAMES = {"occurred_at": "occurred", "at": "at", "no_feedback": "no-feedback", "login": "id"}


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


def services(ctx: click.Context, create_tables: bool = False) -> Services:
    root = ctx.find_root()
    found = root.meta.get("tasking.services")
    if found is None:
        settings = Settings.from_env(store=root.params.get("store"))
        found = bootstrap(settings, create_tables=create_tables)
        root.meta["tasking.services"] = found
        root.call_on_close(found.close)
    return found


def acting_user(ctx: click.Context, user: str | None) -> str | None:
    return user or ctx.find_root().params.get("user")


NO_USER = "user: an acting user is required; pass --user ID or set TASKING_USER"


def required_user(ctx: click.Context, user: str | None, action: str, message: str = NO_USER) -> str:
    """The acting user; when there is none, the refusal is recorded in the store's access log (as
    `Services.read` and `send` record an unknown user: issue 21, 19) and the CLI says `message`."""
    login = acting_user(ctx, user)
    if login:
        return login
    from tasking.errors import DomainError
    from tasking.domain.permissions import Forbidden, Unidentified

    try:
        services(ctx).app.actor(None, action)  # records the refusal, then raises
    except Forbidden:
        raise Unidentified("user", message.removeprefix("user: ")) from None  # exit 3, as every refusal
    except DomainError:
        pass  # no store yet: nothing to record it in
    raise click.ClickException(message)


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    loc = [str(part) for part in first["loc"]]
    if not loc:
        return message  # model-level rules already name their field
    field = _OPTION_NAMES.get(loc[0], loc[0].replace("_", "-"))
    return f"{field}: {message}"


def refusal_rule(error: Any) -> str:
    """The rule a refused field broke, never its value: `contact-details`, `literal_error`, ..."""
    return "contact-details" if "contact details" in str(error.get("msg", "")) else str(error.get("type", "invalid"))


def build(command_class: type[Command], **fields: Any) -> Command:
    try:
        return command_class(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(part) for part in first["loc"]]
        field = _OPTION_NAMES.get(loc[0], loc[0].replace("_", "-")) if loc else None
        # By field and rule only: a refused value may be personal data typed in the wrong box.
        structlog.get_logger("tasking.commands").info(
            "command.refused",
            command=command_class.__name__,
            user=fields.get("user"),
            case=fields.get("case"),
            field=field,
            rule=refusal_rule(first),
            error="ValidationError",
        )
        raise click.ClickException(validation_message(exc)) from None


def run(
    ctx: click.Context,
    command_class: type[Command],
    *,
    as_json: bool,
    text: Callable[[dict[str, Any]], str],
    user: str | None,
    at: dt.datetime | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Validate, send and print one write command."""
    from tasking.commands import send
    from tasking.domain.permissions import COMMAND_ACTIONS

    login = required_user(ctx, user, COMMAND_ACTIONS[command_class.__name__])

    command = build(command_class, user=login, at=at or utcnow(), **fields)
    result = send(services(ctx).app, command, request_id=request_id(ctx), at_given=at is not None)
    emit(result, as_json, text)
    return result


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


def unfinished_build_lines(app: Any) -> list[str]:
    """One line per build (demo, store copy) that this store holds unfinished."""
    lines = []
    for build in app.unfinished_builds():
        fix = "finish it with `tasking demo --resume`" if build["build"] == "demo" else "copy again into an empty store"
        lines.append(
            f"unfinished build: `{build['command']}` started at position {build['started_at']} and did not "
            f"finish; the store ends at position {build['store_position']}; {fix}"
        )
    return lines


def warn_unfinished(app: Any) -> None:
    """Say on stderr when the store holds an unfinished build: its figures are not the whole story."""
    for line in unfinished_build_lines(app):
        click.echo(f"Warning: {line}", err=True)


def emit(result: Any, as_json: bool, text: Callable[[Any], str] | None = None) -> None:
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=False, ensure_ascii=False))
    elif text is not None:
        click.echo(text(result))


def console() -> Console:
    """A console for tables as wide as the terminal (COLUMNS when set; 80 when piped): tables keep
    words and references whole, and a section too wide for it prints a block per row."""
    return Console()


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


def reader(
    ctx: click.Context,
    at: dt.datetime | None,
    as_of: dt.datetime | None,
    position: int | None,
    action: str,
    shared: bool = False,
    case: str | None = None,
) -> Reader:
    """Check the acting user (`--user`, TASKING_USER) may `action`, catch the views up and fix the
    point this read answers at."""
    user = required_user(ctx, None, action, "user: reads need an acting user too; pass --user ID or set TASKING_USER")
    return services(ctx).read(at=at, as_of=as_of, position=position, user=user, action=action, shared=shared, case=case)


def emit_read(result: Any) -> None:
    """A read's JSON: the same bytes for the same store and point (the packs write the same form)."""
    click.echo(json_text(result), nl=False)


def write_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    return request_option(json_option(user_option(at_option()(fn))))
