"""`tasking projections status|catch-up|rebuild|verify`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tasking.cli.context import emit, json_option, services, warn_unfinished
from tasking.projections.runner import Views


@click.group("projections")
def projections() -> None:
    """Inspect, catch up, rebuild and verify the read models.

    \b
    Example:
      tasking projections status
      tasking projections rebuild
      tasking projections verify
    """


def _raw_views(ctx: click.Context) -> Views:
    found = services(ctx)
    found.app.config  # noqa: B018 - an uninitialised store is a clear error
    return Views(found.settings.views_path)


@contextlib.contextmanager
def _progress_bar(label: str, total: int) -> Iterator[Progress]:
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=False) as bar:
        yield bar


@projections.command("status")
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Each projection's position against the store's last notification id.

    \b
    Example:
      tasking projections status --json
    """
    views = _raw_views(ctx)
    head = services(ctx).app.event_count()
    warn_unfinished(services(ctx).app)
    rows = [{"projection": name, "position": position, "store_position": head, "behind": head - position}
            for name, position in views.positions().items()]
    views.close()
    emit(rows, as_json, lambda rs: "\n".join(
        f"{r['projection']:<12} {r['position']:>9} / {r['store_position']:<9} behind {r['behind']}" for r in rs))


@projections.command("catch-up")
@click.option("--batch", default=500, show_default=True, help="Events per transaction.")
@click.pass_context
def catch_up(ctx: click.Context, batch: int) -> None:
    """Apply the events recorded since each projection's position (reads do this by themselves).

    \b
    Example:
      tasking projections catch-up
    """
    views = _raw_views(ctx)
    applied = views.catch_up(services(ctx).app, batch=batch)
    views.close()
    click.echo(f"Applied {applied} events")


@projections.command("rebuild")
@click.argument("name", required=False)
@click.option("--batch", default=500, show_default=True, help="Events per transaction.")
@click.pass_context
def rebuild(ctx: click.Context, name: str | None, batch: int) -> None:
    """Drop and replay one projection, or all, streaming the store in batches with a progress bar.

    Each batch commits with its position: a rebuild that is killed resumes exactly where it stopped.

    \b
    Example:
      tasking projections rebuild
      tasking projections rebuild cases
    """
    app = services(ctx).app
    views = _raw_views(ctx)
    total = app.event_count()
    with _progress_bar("rebuild", total) as bar:
        task = bar.add_task(f"Rebuilding {name or 'all projections'}", total=total)
        applied = views.rebuild(app, [name] if name else None, progress=lambda n: bar.advance(task, n), batch=batch)
    views.close()
    click.echo(f"Rebuilt {name or 'all projections'} from {applied} events")


@projections.command("verify")
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Rebuild into a temporary database and compare it with the live views; exit 1 on any difference.

    \b
    Example:
      tasking projections verify
    """
    app = services(ctx).app
    live = _raw_views(ctx)
    live.catch_up(app)
    warn_unfinished(app)
    with tempfile.TemporaryDirectory() as folder:
        fresh = Views(os.path.join(folder, "verify.db"))
        fresh.catch_up(app)
        differences = compare(live.dump(), fresh.dump())
        fresh.close()
    live.close()
    if differences:
        for line in differences[:50]:
            click.echo(line)
        raise click.ClickException(f"views differ from a clean rebuild in {len(differences)} place(s)")
    click.echo(f"Views match a clean rebuild of {app.event_count()} events")


def compare(live: dict[str, list[tuple]], fresh: dict[str, list[tuple]]) -> list[str]:
    out = []
    for table in sorted(set(live) | set(fresh)):
        left, right = set(map(tuple, live.get(table, []))), set(map(tuple, fresh.get(table, [])))
        out += [f"{table}: only in live views: {row}" for row in sorted(left - right, key=repr)]
        out += [f"{table}: only in a clean rebuild: {row}" for row in sorted(right - left, key=repr)]
    return out
