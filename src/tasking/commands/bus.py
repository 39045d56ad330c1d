"""Send a command: validate, look up its handler, retry on a concurrent writer, log the outcome."""

from __future__ import annotations

import random
import sqlite3
import time
from typing import Any

import structlog
from eventsourcing.persistence import IntegrityError, OperationalError

from tasking.store.application import TaskingApp
from tasking.commands.base import Command
from tasking.commands.handlers import COMMAND_HANDLERS

log = structlog.get_logger("tasking.commands")

MAX_ATTEMPTS = 50


def _retryable(exc: Exception) -> bool:
    """A conflicting writer (same aggregate version) or a busy database: reload and decide again."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, (OperationalError, sqlite3.OperationalError)) and "locked" in str(exc).lower()


def send(app: TaskingApp, cmd: Command, log_it: bool = True) -> dict[str, Any]:
    """Run the command's handler; retry on a conflicting writer. `log_it=False` for bulk paths."""
    handler = COMMAND_HANDLERS[type(cmd)]
    started = time.perf_counter()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            result = handler(app, cmd)
        except Exception as exc:
            bound = log.bind(command=type(cmd).__name__, user=cmd.user, case=getattr(cmd, "case", None))
            if attempt < MAX_ATTEMPTS and _retryable(exc):
                bound.debug("command.retry", attempt=attempt, reason=type(exc).__name__)
                time.sleep(random.uniform(0.005, 0.05) * min(attempt, 10))
                continue
            # The field and the rule's kind only: a refused value may be personal data typed in the wrong box.
            bound.info("command.refused", field=getattr(exc, "field", None), error=type(exc).__name__, attempt=attempt)
            raise
        if not log_it:
            return result
        bound = log.bind(command=type(cmd).__name__, user=cmd.user, case=getattr(cmd, "case", None))
        agency = _agency_of(app, cmd.user)
        bound.info("command.handled", agency=agency, attempts=attempt, result=result,
                   ms=round((time.perf_counter() - started) * 1000, 1))
        return result
    raise AssertionError("unreachable")


def _agency_of(app: TaskingApp, login: str) -> str | None:
    try:
        return app.get_user(login).member_of
    except Exception:  # noqa: BLE001 - logging must never fail a command
        return None
