"""The `tasking` command line: a thin click layer over commands and queries."""

from __future__ import annotations

import sys
from typing import Any

import click
import structlog

from tasking.cli import cases as case_commands
from tasking.cli.briefing import briefing, feedback_owed, repeats
from tasking.cli.projections import projections
from tasking.cli.demo import demo
from tasking.cli.reads import audit, cases, show
from tasking.cli.scheduler import scheduler
from tasking.cli.store import store
from tasking.cli.stats import stats
from tasking.cli.setup import init, person, users
from tasking.cli import data as data_commands
from tasking.domain.errors import DomainError
from tasking.logs import configure_logging


class TaskingGroup(click.Group):
    """Turns every failure into a one-line error and a non-zero exit: never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the user sees one line; the log keeps the detail
            structlog.get_logger("tasking").error("internal.error", error=type(exc).__name__)
            structlog.get_logger("tasking").debug("internal.error.detail", exc_info=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise click.ClickException(f"internal error: {type(exc).__name__}: {first}") from None


@click.group(cls=TaskingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--store", envvar="TASKING_STORE", default=None, metavar="PATH|URL",
              help="Event store: a SQLite file (default ./tasking.db) or a postgresql:// URL. Env: TASKING_STORE.")
@click.option("--user", envvar="TASKING_USER", default=None, metavar="ID",
              help="Acting user for write commands. Env: TASKING_USER.")
@click.option("--log-file", envvar="TASKING_LOG_FILE", default=None, type=click.Path(dir_okay=False),
              help="Write JSON logs here instead of stderr. Env: TASKING_LOG_FILE.")
@click.option("--log-level", envvar="TASKING_LOG_LEVEL", default="info",
              type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False))
@click.version_option(package_name="tasking")
def cli(store: str | None, user: str | None, log_file: str | None, log_level: str) -> None:
    """Daily tasking for a Community Safety Unit: record reports, taskings, follow-ups and
    feedback as events; brief the morning meeting; publish the year's figures.

    \b
    Example:
      tasking --store csu.db init --admin coordinator --name "Sam Patel" --agency COUNCIL
      TASKING_USER=coordinator tasking report --source COUNCIL --category noise --area Swanley \\
        --location "High Street" --occurred 2018-03-02T23:00 --anonymous --summary "Loud music"
    """
    configure_logging(log_level, log_file)


for command in [init, users, person, *case_commands.COMMANDS, audit, show, cases, briefing, feedback_owed, repeats,
                projections, stats, demo, scheduler, store, *data_commands.COMMANDS]:
    cli.add_command(command)


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
    try:
        code = cli.main(prog_name="tasking", standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"Error: {_one_line(exc)}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
