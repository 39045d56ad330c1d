"""How a command line fails: one line naming the field and the rule, and its exit code (2 usage,
1 an error, 3 refused); every missing required option named at once.
"""

from __future__ import annotations

import os

import click


class Refused(click.ClickException):
    """A refused attempt (the role's permissions): one line, exit code 3."""

    exit_code = 3


def _all_missing(command: click.Command, ctx: click.Context, args: list[str]) -> list[str]:
    """Every required option or argument not given, in the order of `--help`."""
    opts, _, _ = command.make_parser(ctx).parse_args(args=list(args))
    missing = []
    for param in command.get_params(ctx):
        value = opts.get(param.name)
        if not param.required or not (value is None or value == () or type(value).__name__ == "Sentinel"):
            continue
        if param.envvar and any(
            os.environ.get(name) for name in ([param.envvar] if isinstance(param.envvar, str) else param.envvar)
        ):
            continue
        names = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")]
        missing.append(names[0] if names else (param.human_readable_name or param.name or "argument"))
    return missing


def name_every_missing_option(command: click.Command) -> None:
    """Make `command` (and its subcommands) name all its missing required options in one line."""
    parse_args = command.parse_args

    def parse_naming_all(ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        try:
            return parse_args(ctx, args)
        except click.MissingParameter as exc:
            try:
                missing = _all_missing(command, ctx, given)
            except click.UsageError:
                raise exc from None
            if len(missing) < 2:
                raise
            raise click.UsageError(f"missing required options: {', '.join(missing)}", ctx) from None

    command.parse_args = parse_naming_all  # type: ignore[method-assign]
    for sub in getattr(command, "commands", {}).values():
        name_every_missing_option(sub)


def one_line(exc: click.UsageError) -> str:
    """`occurred: 'x' is not a date-time ...`: the field first, then the rule, on one line."""
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        opts = [opt for opt in getattr(exc.param, "opts", []) if opt.startswith("--")]
        field = opts[0].lstrip("-") if opts else (exc.param.name or "argument")
        if isinstance(exc, click.MissingParameter):
            return f"{field}: is required"
        return f"{field}: {exc.message}"
    return exc.format_message()
