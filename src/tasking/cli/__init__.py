"""The `tasking` command line: a thin click layer over commands and queries."""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import click

from tasking.cli.failures import one_line
from tasking.cli.lazy import TaskingGroup


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
        click.echo(f"Error: {one_line(exc)}", err=True)
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
    main()
