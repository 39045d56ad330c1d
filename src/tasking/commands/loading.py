"""What handlers load before deciding: the acting user, and an aggregate by its reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tasking.commands.base import Command
from tasking.commands.registry import Result
from tasking.errors import NotFound
from tasking.store.application import TaskingApp
from tasking.time.instants import financial_year_of


def acting(app: TaskingApp, cmd: Command) -> tuple[str, str]:
    """(login, agency) of the user sending the command: who and which agency every event names."""
    user = app.get_user(cmd.user)
    return user.login, user.member_of


def load(app: TaskingApp, kind: Any, reference: str, field: str, what: str) -> Any:
    """The aggregate of `kind` with this reference; an unknown one is `NotFound` on `field`."""
    try:
        return app.repository.get(kind.create_id(reference.strip().upper()))
    except AggregateNotFoundError:
        raise NotFound(field, f"unknown {what} {reference!r}") from None


def decide_on(
    app: TaskingApp,
    cmd: Any,
    key: str,
    get: Callable[[TaskingApp, str], Any],
    decide: Callable[..., None],
    **extra: str,
) -> Result:
    """Load one aggregate by its reference (`cmd.review`, `cmd.group`), let it decide, save it."""
    login, agency = acting(app, cmd)
    found = get(app, getattr(cmd, key))
    decide(found, login, agency, cmd.effective)
    app.save(found)
    return {key: found.reference, **extra}


def next_reference(app: TaskingApp, kind: str, prefix: str, width: int, cmd: Command) -> tuple[Any, str]:
    """The sequence of `kind` for the financial year of `cmd`, and its next reference (`CR-2024-001`)."""
    year = financial_year_of(cmd.effective)
    sequence = app.sequence(f"{kind}/{year}")
    return sequence, f"{prefix}-{year}-{sequence.next():0{width}d}"
