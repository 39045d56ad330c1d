"""`tasking verify`: recompute the hash chain over every stored event (see `tasking.store.chain`)."""

from __future__ import annotations

import click

from tasking.cli.context import emit, json_option, services

BROKEN = 4  # the exit code of a chain that does not verify (1: an error, 2: usage, 3: refused)


def _head(_ctx: click.Context, _param: click.Parameter, value: str | None):  # noqa: ANN202
    from tasking.store.chain import Head

    if value is None:
        return None
    try:
        return Head.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("verify")
@click.option("--head", "head", default=None, metavar="POSITION:HASH", callback=_head,
              help="A head printed in a pack or a report: check the store still holds exactly what it held then.")
@click.option("--seal", is_flag=True, help="First chain a store written before the chain (any write does it too).")
@json_option
@click.pass_context
def verify(ctx: click.Context, head, seal: bool, as_json: bool) -> None:  # noqa: ANN001
    """Recompute the hash chain over every stored event; exit 4 naming the first bad position.

    Each stored event is chained by a SHA-256 over its stored bytes, its position and the previous
    link, written with it. A row edited, inserted, deleted or reordered behind the engine's back is
    named by its position. `--head` checks a head kept from a briefing pack or an annual report:
    it catches a rewrite of the whole chain. Exit codes: 0 verified, 4 not verified, 1 an error.

    \b
    Example:
      tasking verify
      tasking verify --json
      tasking verify --head 9308:5f0c1f0e8d2b4c5e9a7d3b1f6e2a4c8d0b9f7e5d3c1a2b4c6d8e0f1a3b5c7d9e
    """
    recorder = services(ctx).app.recorder
    if seal:
        recorder.seal()
    verdict = recorder.verify(head)
    emit(verdict.as_json(), as_json, _text)
    if not verdict.ok:
        ctx.exit(BROKEN)


def _text(found: dict) -> str:  # type: ignore[type-arg]
    if found["ok"]:
        checked = f"; head {found['checked_head']} matches" if found["checked_head"] else ""
        return f"verified: {found['events']} events, chain head {found['head'] or 'none (empty store)'}{checked}"
    good = f"; verified up to {found['head']}" if found["head"] else ""
    return f"NOT verified: first bad position {found['first_bad_position']}: {found['problem']}: {found['detail']}{good}"
