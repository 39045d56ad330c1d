"""`tasking person erase`, `tasking hold`, `tasking release` and `tasking retention run`."""

from __future__ import annotations

import click

from tasking.cli.context import acting_user, emit, run, services
from tasking.cli.params import DATETIME, json_option, user_option, write_options
from tasking.commands import ErasePerson, PlaceHold, ReleaseHold
from tasking.time.instants import utcnow


@click.command("erase")
@click.argument("person", metavar="PERSON")
@click.option("--reason", required=True, help="Why, e.g. the data subject's request reference; no personal details.")
@click.option(
    "--now",
    "rotate",
    is_flag=True,
    help="Also rotate the key-encryption key now, so the destroyed key cannot be unwrapped from a "
    "database log or backup (otherwise the nightly retention job does it).",
)
@write_options
@click.pass_context
def erase(ctx: click.Context, person: str, reason: str, rotate: bool, user, at, as_json: bool) -> None:
    """Erase a person's details by destroying their key; their cases and every figure stay.

    Their name, phone, email and address then read `[erased]` everywhere (`person show`, `show`,
    `audit`), and no copy of them is left in the store, the key store or the views. The erasure
    is recorded (who, when, why). It cannot be undone. The destroyed key's wrapped bytes may stay
    in the database's write-ahead log or backups until the key-encryption key is next rotated
    (nightly, by the retention job); `--now` rotates it at once.

    \b
    Example:
      tasking person erase PER-00001 --reason "Subject access request SAR-2024-17: erasure" --now
    """
    run(
        ctx,
        ErasePerson,
        as_json=as_json,
        user=user,
        at=at,
        person=person,
        reason=reason,
        text=lambda r: f"Erased the details of {r['person']}",
    )
    if rotate:
        keys = services(ctx).app.keys
        assert keys is not None  # the app opens its key store when it starts
        keys.rotate()
        if not as_json:
            click.echo("Rotated the key-encryption key: the destroyed key can no longer be unwrapped from any copy")


@click.command("hold")
@click.argument("case", metavar="CASE")
@click.option("--reason", required=True, help="Why, e.g. the litigation or inquiry; no personal details.")
@write_options
@click.pass_context
def hold(ctx: click.Context, case: str, reason: str, user, at, as_json: bool) -> None:
    """Place a legal hold on a case: retention keeps its free text and its people's details.

    \b
    Example:
      tasking hold CSU-2017-00042 --reason "Civil claim, Legal Services ref LS-881"
    """
    run(ctx, PlaceHold, as_json=as_json, user=user, at=at, case=case, reason=reason, text=lambda r: f"Held {r['case']}")


@click.command("release")
@click.argument("case", metavar="CASE")
@click.option("--reason", required=True, help="Why the hold ends.")
@write_options
@click.pass_context
def release(ctx: click.Context, case: str, reason: str, user, at, as_json: bool) -> None:
    """Lift a case's legal hold: retention applies to it again.

    \b
    Example:
      tasking release CSU-2017-00042 --reason "Claim settled"
    """
    run(
        ctx,
        ReleaseHold,
        as_json=as_json,
        user=user,
        at=at,
        case=case,
        reason=reason,
        text=lambda r: f"Released {r['case']}",
    )


@click.group("retention")
def retention() -> None:
    """Destroy free text and people's details past the retention period (`[retention]` in the configuration).

    \b
    Example:
      tasking retention run --dry-run
    """


@retention.command("run")
@click.option("--at", type=DATETIME, default=None, help="Apply the rule as at this time (default now).")
@click.option("--dry-run", "dry_run", is_flag=True, help="Say what would be destroyed; write nothing.")
@user_option
@json_option
@click.pass_context
def retention_run(ctx: click.Context, at, dry_run: bool, user: str | None, as_json: bool) -> None:
    """Destroy the keys of cases closed N years ago (6 by default) and of their people, and record it.

    A case under a legal hold (`tasking hold`) is kept, and so is a person who is also on a case
    that is kept (open, closed more recently, or held). The scheduler runs this every night.

    \b
    Example:
      tasking retention run --dry-run --json
      tasking retention run --at 2024-04-01
    """
    from tasking.retention import run as run_retention

    login = acting_user(ctx, user)
    if not login and not dry_run:
        raise click.ClickException("user: an acting user is required; pass --user ID or set TASKING_USER")
    found = run_retention(services(ctx), at or utcnow(), login or "-", dry_run=dry_run)

    def text(r: dict) -> str:
        verb = "Would destroy" if r["dry_run"] else "Destroyed"
        lines = [
            f"{verb} the free text of {len(r['cases'])} cases and the details of {len(r['people'])} people "
            f"(closed by {r['closed_by']}; {r['years_after_closure']} years)"
        ]
        lines += [f"  case   {c['case']} closed {c['closed_at']}" for c in r["cases"]]
        lines += [f"  person {p['person']} on {', '.join(p['cases'])}" for p in r["people"]]
        lines += [f"  held   {c}" for c in r["held"]]
        lines += [f"  not erasable before `tasking store copy` migrates the store: {ref}" for ref in r["unmigrated"]]
        return "\n".join(lines)

    emit(found, as_json, text)
