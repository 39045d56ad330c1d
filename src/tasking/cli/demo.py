"""`tasking demo`: build the demo district's two years, then brief a morning and show the year."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tasking.reporting import render
from tasking.bootstrap import Settings, bootstrap, redact
from tasking.cli.params import DATETIME
from tasking.cli.context import console as wide_console
from tasking.cli.stats import print_headline
from tasking.demo import run_demo
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.stats import year_stats
from tasking.time.instants import parse_datetime


def _remove_sqlite_store(settings: Settings) -> None:
    for base in (settings.store, settings.views_path):
        for suffix in ("", "-wal", "-shm"):
            path = Path(base + suffix)
            if path.exists():
                path.unlink()


@click.command("demo")
@click.option(
    "--store",
    "store_option",
    default=None,
    metavar="PATH|URL",
    help="Where to build it (default: the group's --store, TASKING_STORE, or ./tasking.db).",
)
@click.option(
    "--seed", default=2017, show_default=True, help="The same seed builds the same district, event for event."
)
@click.option("--replace", is_flag=True, help="Delete an existing SQLite store (and its views) first.")
@click.option("--briefing-at", type=DATETIME, default=None, help="The morning to brief [default: 2018-03-05T09:00].")
@click.option("--resume", is_flag=True, help="Finish a demo that was interrupted, with the seed it started with.")
@click.pass_context
def demo(ctx: click.Context, store_option: str | None, seed: int, replace: bool, briefing_at, resume: bool) -> None:
    """Build a demo district modelled on the seed annual report (financial years 2016/17 and 2017/18).

    Every report, tasking, follow-up, update, power, referral and closure goes through the real
    command handlers, in batches. Then it prints the briefing for a morning and the year's figures.

    \b
    Example:
      tasking demo
      tasking demo --store district.db --seed 7 --replace
      tasking demo --store district.db --resume
      TASKING_USER=coordinator tasking briefing --at 2018-03-05T09:00
    """
    root = ctx.find_root()
    settings = Settings.from_env(store=store_option or root.params.get("store"))
    if replace and resume:
        raise click.ClickException("resume: give either --resume or --replace, not both")
    if replace and settings.is_postgres:
        raise click.ClickException(
            "replace: --replace deletes SQLite files only; for PostgreSQL give an empty "
            "database or ?schema=NAME, or drop the schema yourself"
        )
    if replace:
        _remove_sqlite_store(settings)
    services = bootstrap(settings, create_tables=True, batching=True)
    try:
        if services.app.event_count() and not resume:
            again = (
                "--store PATH for a new one" if settings.is_postgres else "--replace to build it again, or --store PATH"
            )
            if any(build["build"] == "demo" for build in services.app.unfinished_builds()):
                again = "--resume to finish the demo that was interrupted, or " + again
            raise click.ClickException(
                f"store: {redact(settings.store)} already holds {services.app.event_count()} events; pass {again}"
            )
        console = Console(stderr=False)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("Resuming the demo" if resume else f"Recording two years (seed {seed})", total=None)
            counts = run_demo(
                services.app,
                seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                resume=resume,
            )
            views_task = bar.add_task("Building the views", total=services.app.event_count())
            services.open_views().catch_up(services.app, batch=2000, progress=lambda n: bar.advance(views_task, n))
        read = services.read(user="coordinator", action="briefing")  # as the demo's coordinator
        at = briefing_at or parse_datetime("2018-03-05T09:00", "briefing-at")
        brief = briefing(read, meeting_for(read.config, at, at))
        render.print_table(brief, wide_console())
        print_headline(year_stats(read.db, read.config, 2017, read.point.position))
        where = (
            ""
            if settings.store == "tasking.db" and not os.environ.get("TASKING_STORE")
            else f" --store {redact(settings.store)}"
        )
        console.print(  # the "Try:" lines are commands to copy: never wrapped, whatever the width
            f"\nBuilt {counts['cases']} cases from {counts['commands']} commands into {redact(settings.store)}. Try:\n"
            f"  TASKING_USER=coordinator tasking{where} briefing --at 2018-03-05T09:00\n"
            f"  TASKING_USER=analyst tasking{where} stats --year 2017 --explain powers.CPW\n"
            f"  TASKING_USER=coordinator tasking{where} audit {brief['new_reports'][0]['case'] if brief['new_reports'] else 'CSU-2017-00001'}",
            soft_wrap=True,
            highlight=False,
        )
    finally:
        services.close()
