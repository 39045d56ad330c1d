"""The `tasking` command line: a thin click layer over commands and queries."""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.util
import logging
import os
import sys
from typing import Any

import click

from tasking.errors import DomainError
from tasking.domain.permissions import Forbidden


class Refused(click.ClickException):
    """A refused attempt (the role's permissions): one line, exit code 3."""

    exit_code = 3


# Subcommands load when used, so that `tasking --help` does not import the whole engine (issue 10,
# item 16). NAME -> "module:attribute"; the attribute defaults to the name with `_` for `-`.
LAZY_COMMANDS = {
    "init": "tasking.cli.setup",
    "users": "tasking.cli.setup",
    "person": "tasking.cli.setup",
    **dict.fromkeys(
        (
            "report",
            "link",
            "task",
            "reassign",
            "complete",
            "follow-up",
            "update-reporter",
            "power",
            "refer",
            "risk",
            "correct",
            "close",
            "reopen",
            "assign",
        ),
        "tasking.cli.cases",
    ),
    "audit": "tasking.cli.reads",
    "show": "tasking.cli.reads",
    "cases": "tasking.cli.reads",
    "briefing": "tasking.cli.briefing",
    "feedback-owed": "tasking.cli.briefing",
    "repeats": "tasking.cli.briefing",
    "projections": "tasking.cli.projections",
    "stats": "tasking.cli.stats",
    "demo": "tasking.cli.demo",
    "scheduler": "tasking.cli.scheduler",
    "store": "tasking.cli.store",
    "case-review": "tasking.cli.case_review",
    "tfg": "tasking.cli.tfg",
    "marac": "tasking.cli.marac",
    "review": "tasking.cli.risk",
    # data in and out (issue 14)
    "import": "tasking.cli.data:import_file",
    "context": "tasking.cli.data",
    "duplicates": "tasking.cli.data",
    "export": "tasking.cli.data",
    "verify": "tasking.cli.verify",  # the hash chain (issue 12)
    "seal-chain": "tasking.cli.verify",  # sealing it on purpose (issue 21)
    "serve": "tasking.cli.web",  # the web (issue 13)
    "access-log": "tasking.cli.access",  # issue 12
    "notify": "tasking.cli.notify",  # the email outbox (issue 23)
    # erasure and retention (issue 12)
    "hold": "tasking.cli.privacy",
    "release": "tasking.cli.privacy",
    "retention": "tasking.cli.privacy",
    # the partnership's year (issue 26)
    "plan": "tasking.cli.plan",
    "activity": "tasking.cli.activity",
    "pact": "tasking.cli.activity",
    "funding": "tasking.cli.funding",
    "cctv": "tasking.cli.cctv",
}
# Subcommands defined apart from their group: GROUP -> ["module:attribute", ...]; a module alone
# adds its subcommands to the group itself when imported (`@briefing.command(...)`).
LAZY_SUBCOMMANDS = {
    "repeats": ["tasking.cli.flags:acknowledge"],
    "briefing": ["tasking.cli.scheduler"],
    "person": ["tasking.cli.privacy:erase"],
}


def _target(spec: str, name: str) -> tuple[str, str]:
    module, _, attribute = spec.partition(":")
    return module, attribute or name.replace("-", "_")


def _load(spec: str, name: str) -> click.Command:
    module, attribute = _target(spec, name)
    return getattr(importlib.import_module(module), attribute)


@functools.cache
def _docstrings(module: str) -> dict[str, str]:
    """The docstrings of a module's functions, read from its source without importing it."""
    found = importlib.util.find_spec(module)
    if found is None or not found.origin:
        return {}
    with open(found.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    return {node.name: ast.get_docstring(node) or "" for node in tree.body if isinstance(node, ast.FunctionDef)}


def _docstring(spec: str, name: str) -> str:
    module, attribute = _target(spec, name)
    return _docstrings(module).get(attribute, "")


class TaskingGroup(click.Group):
    """Turns every failure into a one-line error and a non-zero exit: never a traceback.

    Its subcommands (`LAZY_COMMANDS`) are imported when first used; `--help` reads their help from
    the source, and `commands` loads them all (for tests and documentation checks).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(LAZY_COMMANDS)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        for name in list(getattr(self, "lazy", {})):
            self.get_command(click.Context(self), name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            command = _load(self.lazy.pop(cmd_name), cmd_name)
            for spec in LAZY_SUBCOMMANDS.get(cmd_name, []):
                module, _, attribute = spec.partition(":")
                loaded = importlib.import_module(module)
                if attribute:
                    command.add_command(getattr(loaded, attribute))  # type: ignore[attr-defined]
            _name_every_missing_option(command)
            self._commands[cmd_name] = command
        return self._commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                help_text = click.Command(name, help=_docstring(self.lazy[name], name)).get_short_help_str(limit)
            else:
                help_text = self._commands[name].get_short_help_str(limit)
            rows.append((name, help_text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Forbidden as exc:  # refused by the permission rules: exit code 3
            raise Refused(str(exc)) from None
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the user sees one line; the log keeps the detail
            import structlog

            structlog.get_logger("tasking").error("internal.error", error=type(exc).__name__)
            structlog.get_logger("tasking").debug("internal.error.detail", exc_info=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise click.ClickException(f"internal error: {type(exc).__name__}: {first}") from None


@click.group(cls=TaskingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option(
    "--store",
    envvar="TASKING_STORE",
    default=None,
    metavar="PATH|URL",
    help="Event store: a SQLite file (default ./tasking.db) or a postgresql:// URL. Env: TASKING_STORE.",
)
@click.option(
    "--user",
    envvar="TASKING_USER",
    default=None,
    metavar="ID",
    help="Acting user for every command that reads or writes the store (reads are permission-checked "
    "and logged too). Env: TASKING_USER.",
)
@click.option(
    "--log-file",
    envvar="TASKING_LOG_FILE",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write JSON logs here instead of stderr. Env: TASKING_LOG_FILE.",
)
@click.option(
    "--log-level",
    envvar="TASKING_LOG_LEVEL",
    default="info",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
)
@click.option(
    "--verbose", "-v", is_flag=True, help="On a terminal, print the log lines too (they always go to --log-file)."
)
@click.version_option(package_name="tasking")
def cli(store: str | None, user: str | None, log_file: str | None, log_level: str, verbose: bool) -> None:
    """Daily tasking for a Community Safety Unit: record reports, taskings, follow-ups and
    feedback as events; brief the morning meeting; publish the year's figures. Every file it
    writes is owner-only (0600; folders 0700), whatever the umask.

    Every command that reads or writes the store acts as a user (--user or TASKING_USER): reads
    too, since what a user may see depends on their role and agency, and every read is logged.

    \b
    Example:
      tasking --store csu.db init --admin coordinator --name "Sam Patel" --agency COUNCIL
      TASKING_USER=coordinator tasking report --source COUNCIL --category noise --area Swanley \\
        --location "High Street" --occurred 2018-03-02T23:00 --anonymous --summary "Loud music"
      TASKING_USER=coordinator tasking briefing --at 2018-03-05
    """
    from tasking.logs import configure_logging

    configure_logging(log_level, log_file, verbose)


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


def _name_every_missing_option(command: click.Command) -> None:
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
        _name_every_missing_option(sub)


def _one_line(exc: click.UsageError) -> str:
    """`occurred: 'x' is not a date-time ...`: the field first, then the rule, on one line."""
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        opts = [opt for opt in getattr(exc.param, "opts", []) if opt.startswith("--")]
        field = opts[0].lstrip("-") if opts else (exc.param.name or "argument")
        if isinstance(exc, click.MissingParameter):
            return f"{field}: is required"
        return f"{field}: {exc.message}"
    return exc.format_message()


def main() -> None:
    from tasking.files import owner_only_umask

    owner_only_umask()  # a second guard: every file written here is made owner-only anyway
    _exit(run())


def run(args: list[str] | None = None) -> int:
    """Run one `tasking` command line and return its exit code: every failure is one line on stderr
    (2: usage, 1: an error, 3: refused). `main` and the in-process fuzz tests both go through here."""
    try:
        code = cli.main(args=args, prog_name="tasking", standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"Error: {_one_line(exc)}", err=True)
        code = 2
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = 1
    return code if isinstance(code, int) else 0


def _exit(code: int) -> None:
    """Exit as soon as the output is out. By now the command has committed and closed its store
    and views, so the interpreter's teardown (freeing a thousand imported modules, ~200-400 ms
    after every commit) would only widen the window in which a caller that is killed, or gives
    up, cannot tell that its write succeeded. Output and logs are flushed first."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
