"""`SealChain` / `seal_chain` / `tasking seal-chain`: chain rows that have no link, on purpose, recorded.

Only a chain that `verify` finds `unsealed` (rows before its first link) is sealed, and only when
what has links after them verifies on its own: a chain that verifies has nothing to seal, and one
that is broken otherwise (a row edited, inserted or deleted) is refused, since sealing would hide
what was done.
"""

from __future__ import annotations

from typing import Any

from tasking.commands.base import Command, Narrative
from tasking.commands.registry import handler
from tasking.domain.chain_seal import ChainSeal
from tasking.errors import DomainError
from tasking.store.application import TaskingApp


class SealChain(Command):
    """Chain every stored row again from the genesis, accepting rows that have no link; admins only."""

    reason: Narrative


@handler
def seal_chain(app: TaskingApp, cmd: SealChain) -> dict[str, Any]:
    verdict = app.recorder.verify()  # type: ignore[attr-defined]
    if verdict.ok:
        raise DomainError("store", f"the chain verifies ({verdict.events} events): there is nothing to seal")
    # Unsealed rows come first; what has links after them must verify on its own.
    broken = verdict if verdict.problem != "unsealed" else app.recorder.verify(linked_part=True)  # type: ignore[attr-defined]
    if not broken.ok:
        raise DomainError(
            "store",
            f"the chain is broken at position {broken.first_bad_position} "
            f"({broken.problem}), not only unsealed: sealing would hide it; see `tasking verify`",
        )
    user = app.get_user(cmd.user)
    seal = ChainSeal(
        reason=cmd.reason,
        unsealed_from=verdict.first_bad_position or 0,
        last_position=app.event_count(),
        user=user.login,
        agency=user.member_of,
        at=cmd.effective,
    )
    app.save(seal, seal=True)  # the recorder re-chains every row in the transaction that stores the seal
    return {"sealed": True, "unsealed_from": seal.unsealed_from, "last_position": seal.last_position}
