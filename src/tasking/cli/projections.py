"""`tasking projections status|catch-up|rebuild|verify`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from tasking.cli.context import emit, services, warn_unfinished
from tasking.cli.params import json_option
from tasking.errors import DomainError
from tasking.projections import health
from tasking.projections.decode import Pages
from tasking.projections.runner import Views
from tasking.time.instants import utcnow


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
def _progress_bar(label: str, total: int) -> Iterator[Any]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )  # only when drawn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=False,
    ) as bar:
        yield bar


@projections.command("status")
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Each projection's position against the store's last notification id, with its running count and
    digest of the events it applied, a cheap check of its rows (counts only: an edited row passes it),
    how stored events are decoded, and when the views were last verified against a clean rebuild
    (`projections verify`, nightly by the scheduler) and what that found.

    \b
    Example:
      tasking projections status --json
    """
    views = _raw_views(ctx)
    app = services(ctx).app
    head = app.event_count()
    warn_unfinished(app)
    problems = views.check()
    mode = Pages(app).mode
    verified = health.last(views.path)
    rows = [
        {
            "projection": name,
            "position": found["position"],
            "store_position": head,
            "behind": head - found["position"],
            "applied": found["applied"],
            "rows": found["rows"],
            "digest": f"{found['digest']:016x}",
            "decode": mode,
            "check": next((p for p in problems if p.startswith(f"{name} ")), "ok"),
            "verified_at": verified and verified["checked_at"],
            "verified": health.summary(verified),
        }
        for name, found in views.tracking().items()
    ]
    views.close()
    emit(
        rows,
        as_json,
        lambda rs: (
            "\n".join(
                f"{r['projection']:<12} {r['position']:>9} / {r['store_position']:<9} behind {r['behind']:<6} "
                f"applied {r['applied']:<9} digest {r['digest']}  check {r['check']}"
                for r in rs
            )
            + f"\ndecode: {mode}\nlast verified: {health.summary(verified)}"
        ),
    )


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
@click.option(
    "--batch",
    type=click.IntRange(1),
    default=None,
    help="Events per transaction (default: 500 for one projection, 20000 for all).",
)
@click.pass_context
def rebuild(ctx: click.Context, name: str | None, batch: int) -> None:
    """Rebuild all projections into a fresh file and swap it in, or replay one projection in place.

    All: the live views stay as they are until the new file is complete; a killed rebuild leaves them
    intact and the next one starts clean. One: each batch commits with its position, so a killed
    rebuild resumes exactly where it stopped.

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
    if not name:  # nothing can differ from a clean rebuild now
        health.record(services(ctx).settings.views_path, utcnow().isoformat(), [])
    click.echo(f"Rebuilt {name or 'all projections'} from {applied} events")


class UnreadableViews(click.ClickException):
    exit_code = 2


@projections.command("verify")
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Build the views afresh into a temporary file and compare them with the live views.

    Exits 1 when they differ, and 2 when the live views cannot be read (rebuild them). The outcome
    is kept next to the views: while it is a failure, briefings and packs carry a warning.

    \b
    Example:
      tasking projections verify
    """
    found = services(ctx)
    app, path = found.app, found.settings.views_path
    app.config  # noqa: B018 - an uninitialised store is a clear error
    warn_unfinished(app)
    checked_at = utcnow().isoformat()
    try:
        differences = health.verify(app, path)
    except DomainError as exc:
        with contextlib.suppress(OSError):
            health.record(path, checked_at, None, unreadable=str(exc))
        raise UnreadableViews(str(exc)) from None
    health.record(path, checked_at, differences)
    if differences:
        for line in differences[:50]:
            click.echo(line)
        raise click.ClickException(f"views differ from a clean rebuild in {len(differences)} place(s)")
    click.echo(f"Views match a clean rebuild of {app.event_count()} events")
