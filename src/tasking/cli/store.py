"""`tasking store copy`: migrate a partnership's events between stores."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tasking.bootstrap import Settings, bootstrap, redact


@click.group("store")
def store() -> None:
    """Manage event stores.

    \b
    Example:
      tasking store copy --from tasking.db --to postgresql://tasking@db.example:5432/csu
    """


@store.command("copy")
@click.option("--from", "source", required=True, metavar="STORE", help="A SQLite path or postgresql:// URL.")
@click.option("--to", "target", required=True, metavar="STORE", help="An empty store to copy into.")
@click.option("--batch", default=1000, show_default=True, help="Events per transaction.")
@click.pass_context
def copy(ctx: click.Context, source: str, target: str, batch: int) -> None:
    """Copy every event, in order, into an empty store, with a progress bar, and verify the copy.

    The copy replays to the same views and the same statistics fingerprints. A store that already
    holds events is refused. The copy records its start and its end, so a copy that was
    interrupted is reported as unfinished by `stats` and `projections status`.

    The key store is copied too. A store written before encryption is migrated: its person details
    and case free text are encrypted in the copy (with new keys), everything else is copied as it
    was, and the copy is verified event by event on the decrypted content.

    \b
    Example:
      tasking store copy --from tasking.db --to "postgresql://tasking:secret@127.0.0.1:5432/csu"
      tasking --store "postgresql://tasking:secret@127.0.0.1:5432/csu" projections verify
      tasking store copy --from old-plaintext.db --to encrypted.db
    """
    from tasking.store.migrate import check_copy, copy_store, verify_copy

    if source == target:
        raise click.ClickException("to: must be a different store from --from")
    origin = bootstrap(Settings(store=source))
    destination = bootstrap(Settings(store=target), create_tables=True)
    try:
        check_copy(origin, destination)
        total = origin.app.event_count()
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as bar:
            task = bar.add_task(f"Copying to {redact(target)}", total=total)
            copied = copy_store(
                origin,
                destination,
                progress=lambda n: bar.advance(task, n),
                batch=batch,
                user=ctx.find_root().params.get("user"),
            )
        click.echo(f"Copied {copied} events from {redact(source)} to {redact(target)}")
        click.echo(f"Verified: {verify_copy(origin, destination)} events read the same in both stores, decrypted")
    finally:
        origin.close()
        destination.close()
