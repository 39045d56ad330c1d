"""Send a command: validate, look up its handler, retry on a concurrent writer, log the outcome.

A command sent with a request id is handled once: its `Request` record is saved in the same
transaction as its events, so a retry (or a racing twin) finds it and returns the first result.
"""

from __future__ import annotations

import hashlib
import json
import datetime as dt
import random
import sqlite3
import time
from typing import Any, cast

import structlog
from eventsourcing.persistence import IntegrityError, OperationalError

from tasking.store.application import TaskingApp
from tasking.commands.base import Command
from tasking.commands.handlers import COMMAND_HANDLERS
from tasking.commands.setup import InitStore
from tasking.config import parse_config
from tasking.domain.case import Case
from tasking.domain.permissions import COMMAND_ACTIONS, OWN
from tasking.domain.request import Request
from tasking.time.instants import check_effective, utcnow

log = structlog.get_logger("tasking.commands")

# A conflicting writer is retried until this many seconds have passed, not for a number of
# attempts: under heavy load eight writers on one case can collide fifty times in a row, and a
# follow-up given up on is a follow-up lost.
RETRY_SECONDS = 300.0


def _retryable(exc: Exception) -> bool:
    """A conflicting writer (same aggregate version) or a busy database: reload and decide again."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, (OperationalError, sqlite3.OperationalError)) and "locked" in str(exc).lower()


def request_digest(key: str, cmd: Command, at_given: bool = True) -> str:
    """The content of a command, salted with its request id. A defaulted `at` (now) is left out,
    so a retry made later is still the same request."""
    content = cmd.model_dump(mode="json", exclude=None if at_given else {"at"})
    text = json.dumps([key, type(cmd).__name__, content], sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


_TIME_FIELDS: dict[type[Command], tuple[tuple[str, str], ...]] = {}


def _time_fields(kind: type[Command]) -> tuple[tuple[str, str], ...]:
    """The effective-time fields a command class has, with the names its errors give them."""
    found = _TIME_FIELDS.get(kind)
    if found is None:
        names = {"at": "received" if kind.__name__ == "RecordReport" else "at", "occurred_at": "occurred"}
        found = _TIME_FIELDS[kind] = tuple((name, field) for name, field in names.items() if name in kind.model_fields)
    return found


def check_times(app: TaskingApp, cmd: Command, now: dt.datetime) -> None:
    """Effective times within [the partnership's earliest date, a day after now]."""
    config = parse_config(cmd.config_toml) if isinstance(cmd, InitStore) else app.config
    for name, field in _time_fields(type(cmd)):
        value = getattr(cmd, name)
        if value is not None:
            check_effective(value, field, config.earliest_date, now)


def send(
    app: TaskingApp, cmd: Command, log_it: bool = True, request_id: str | None = None, at_given: bool = True
) -> dict[str, Any]:
    """Run the command's handler; retry on a conflicting writer. `log_it=False` for bulk paths.

    With a `request_id`, a request already handled returns its first result and writes nothing;
    the same id with different content is refused.
    """
    outermost = app.begin_command()  # (not a context manager: bulk paths send tens of thousands)
    try:
        return _send(app, cmd, log_it, request_id, at_given)
    finally:
        if outermost:
            app.end_command()


def _send(app: TaskingApp, cmd: Command, log_it: bool, request_id: str | None, at_given: bool) -> dict[str, Any]:
    handler = COMMAND_HANDLERS[type(cmd)]
    authorize(app, cmd)
    started = time.perf_counter()
    digest = request_digest(request_id, cmd, at_given) if request_id else ""
    give_up = time.monotonic() + RETRY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            repeated, result = _handle_once(app, cmd, handler, request_id, digest)
        except Exception as exc:
            bound = log.bind(command=type(cmd).__name__, user=cmd.user, case=getattr(cmd, "case", None))
            if _retryable(exc) and time.monotonic() < give_up:
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
        bound.info(
            "command.handled",
            agency=agency,
            attempts=attempt,
            result=result,
            request=request_id,
            repeated=repeated,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return result


def authorize(app: TaskingApp, cmd: Command) -> None:
    """The acting user's role must allow the command (`tasking.domain.permissions.RULES`); with an
    `own` scope, on a case received by or tasked to their agency (and a tasking is completed only
    by the agency it is tasked to). A refusal is recorded apart from
    the case and raised as `Forbidden`. `init` is not checked: no one acts before it."""
    if isinstance(cmd, InitStore):
        return
    action = COMMAND_ACTIONS[type(cmd).__name__]
    actor = app.actor(cmd.user, action)
    reference = getattr(cmd, "case", None)
    if app.authorize(actor, action, reference) == OWN and reference:
        case = app.get_case(reference)
        app.authorize(actor, action, case.reference, own=case_involves(case, actor.agency))
        number = getattr(cmd, "tasking", None) or ""
        tasking = case.taskings.get(number) if action == "complete" else None
        if tasking is not None and tasking["agency"] != actor.agency:  # issue 21, 22
            raise app.refuse(
                actor,
                action,
                f"{case.reference} {number} is tasked to {tasking['agency']}, "
                f"not {actor.agency}: only the tasked agency or a coordinator completes it",
                case.reference,
            )


def case_involves(case: Case, agency: str | None) -> bool:
    """Received by the agency (its source) or tasked to it now: as `tasking.queries.access.is_own`."""
    return agency is not None and (agency == case.source or any(t["agency"] == agency for t in case.taskings.values()))


def _handle_once(
    app: TaskingApp, cmd: Command, handler: Any, request_id: str | None, digest: str
) -> tuple[bool, dict[str, Any]]:
    """(repeated, result): the first result of a request already handled, or handle it now."""
    if request_id:
        found = app.find_request(request_id)
        if found is not None:
            found.check_same(type(cmd).__name__, digest)
            return True, dict(found.result)
    check_times(app, cmd, utcnow())
    with app.deferred_saves() as saved:
        result = handler(app, cmd)
    if request_id:
        # (the user is known by now: only `init`, whose user is saved with it, falls back to its agency)
        agency = cast(str, _agency_of(app, cmd.user) or getattr(cmd, "agency", ""))
        saved.append(
            Request(
                key=request_id,
                command=type(cmd).__name__,
                digest=digest,
                result=result,
                user=cmd.user,
                agency=agency,
                at=cmd.effective,
            )
        )
    app.save(*saved, **saved.kwargs)
    return False, result


def _agency_of(app: TaskingApp, login: str) -> str | None:
    try:
        return app.get_user(login).member_of
    except Exception:  # noqa: BLE001 - logging must never fail a command
        return None
