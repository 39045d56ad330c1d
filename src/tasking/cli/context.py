"""What every CLI command shares: the services, the acting user, command sending and rendering
(the option types and shared options are params.py's)."""

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
from tasking.cli.params import request_id
from tasking.queries.point import Reader
from tasking.reporting.text import json_text
from tasking.time.instants import utcnow

if TYPE_CHECKING:  # the command layer is imported by the writes that use it, not by every read
    from tasking.commands import Command


# Pydantic field names -> the CLI option a user typed.
_OPTION_NAMES = {"occurred_at": "occurred", "at": "at", "no_feedback": "no-feedback", "login": "id"}


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
    from tasking.domain.permissions import Forbidden, Unidentified
    from tasking.errors import DomainError

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


def done_text(verb: str) -> Callable[[dict[str, Any]], str]:
    """`Closed CSU-2017-00001` (and the tasking, when the write names one)."""
    return lambda r: f"{verb} {r['case']}" + (f" {r['tasking']}" if r.get("tasking") else "")


def emit(result: Any, as_json: bool, text: Callable[[Any], str] | None = None) -> None:
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=False, ensure_ascii=False))
    elif text is not None:
        click.echo(text(result))


def console() -> Console:
    """A console for tables as wide as the terminal (COLUMNS when set; 80 when piped): tables keep
    words and references whole, and a section too wide for it prints a block per row."""
    return Console()


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
