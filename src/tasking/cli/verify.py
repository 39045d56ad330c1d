"""`tasking verify`: recompute the hash chain over every stored event (see `tasking.store.chain`);
`tasking seal-chain`: accept rows that have no link, on purpose (admins; recorded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import click

from tasking.cli.context import emit, run, services
from tasking.cli.params import json_option, write_options
from tasking.commands import SealChain

if TYPE_CHECKING:
    from tasking.store.chain import Head, Verdict

BROKEN = 4  # the exit code of a chain that does not verify (1: an error, 2: usage, 3: refused)


class _Chained(Protocol):
    """The app's recorder: ChainedSQLiteRecorder or ChainedPostgresRecorder (store/chain*.py)."""

    def verify(self, head: Head | None = None, linked_part: bool = False) -> Verdict: ...


def _head(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Head | None:
    from tasking.store.chain import Head

    if value is None:
        return None
    try:
        return Head.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("verify")
@click.option(
    "--head",
    "head",
    default=None,
    metavar="POSITION:HASH",
    callback=_head,
    help="A head printed in a pack or a report: check the store still holds exactly what it held then.",
)
@json_option
@click.pass_context
def verify(ctx: click.Context, head, as_json: bool) -> None:
    """Recompute the hash chain over every stored event; exit 4 naming the first bad position.

    Each stored event is chained by a SHA-256 over its stored bytes, its position and the previous
    link, written with it. A row edited, inserted, deleted or reordered behind the engine's back is
    named by its position. `--head` checks a head kept from a briefing pack or an annual report:
    it catches a rewrite of the whole chain. Rows before the chain's first link (a store written
    before the chain, or links deleted) are `unsealed` until an admin runs `tasking seal-chain`;
    nothing seals them implicitly. Exit codes: 0 verified, 4 not verified, 1 an error.

    \b
    Example:
      tasking verify
      tasking verify --json
      tasking verify --head 9308:5f0c1f0e8d2b4c5e9a7d3b1f6e2a4c8d0b9f7e5d3c1a2b4c6d8e0f1a3b5c7d9e
    """
    recorder = cast("_Chained", services(ctx).app.recorder)  # the app's recorder is always a chained one
    verdict = recorder.verify(head)
    emit(verdict.as_json(), as_json, _text)
    if not verdict.ok:
        ctx.exit(BROKEN)


def _text(found: dict[str, Any]) -> str:
    if found["ok"]:
        checked = f"; head {found['checked_head']} matches" if found["checked_head"] else ""
        return f"verified: {found['events']} events, chain head {found['head'] or 'none (empty store)'}{checked}"
    good = f"; verified up to {found['head']}" if found["head"] else ""
    return (
        f"NOT verified: first bad position {found['first_bad_position']}: {found['problem']}: {found['detail']}{good}"
    )


@click.command("seal-chain")
@click.option("--reason", required=True, help="Why these rows are accepted as they stand, e.g. the upgrade's ticket.")
@write_options
@click.pass_context
def seal_chain(ctx: click.Context, reason: str, user, at, as_json: bool) -> None:
    """Chain every stored event again from the start, accepting rows that have no link; admins only.

    For a store that `tasking verify` finds `unsealed`: one written before the chain (an upgrade),
    or one whose links were deleted. Nothing else seals it, so look at what it holds first: the
    seal accepts those rows as they stand. It is refused when the chain verifies, and when it is
    broken otherwise (a row edited, inserted or deleted: sealing would hide it). The seal is
    recorded as an event (who, when, why, the first unsealed position) in the same transaction;
    heads printed before it no longer match.

    \b
    Example:
      tasking --user admin seal-chain --reason "Upgrade to the chained store, ticket OPS-112"
    """
    run(
        ctx,
        SealChain,
        as_json=as_json,
        user=user,
        at=at,
        reason=reason,
        text=lambda r: (
            f"Sealed the chain over {r['last_position']} events (unsealed from position {r['unsealed_from']})"
        ),
    )
