"""Send what the outbox holds: claim, send, record. `tasking notify send` and the scheduler call `send_due`.

For each due row: the sender records a claim on the row's `Notification` (created at the first
claim for a tasking or pack email), then hands the message to the SMTP relay, then records `Sent`.
Two senders claiming the same row write the same aggregate version, and the store keeps only the
first: the second skips it. A relay that refuses or fails is recorded as `Failed` with a retry time
(back-off doubling from a minute, to at most an hour), and the next run after it retries. A claim
with no outcome (the process died between the claim and the record) is never resent by itself:
SMTP cannot tell us whether the relay took it, so it is listed by `notify list --failed` as
`unknown` until a person checks the relay and runs `notify release KEY`.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
from typing import Any

import structlog
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from tasking.errors import DomainError
from tasking.domain.notification import Notification, notification_id
from tasking.domain.permissions import SYSTEM
from tasking.notify import message as messages
from tasking.notify.smtp import Relay
from tasking.time.instants import iso

log = structlog.get_logger("tasking.notify")
FIRST_RETRY = dt.timedelta(minutes=1)
LAST_RETRY = dt.timedelta(hours=1)
MAX_ATTEMPTS = 10
FAULT = "TASKING_NOTIFY_FAULT"  # tests: `after-accept` exits the process between the relay's yes and `Sent`


def backoff(attempt: int) -> dt.timedelta:
    return min(FIRST_RETRY * 2 ** max(attempt - 1, 0), LAST_RETRY)


def describe(exc: BaseException) -> str:
    """The failure without what the server echoed back (it may name the recipient)."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}" + (f" {code}" if code else "")


def due_rows(db: Any, now: dt.datetime) -> list[dict[str, Any]]:
    cursor = db.execute(
        "SELECT * FROM outbox WHERE status = 'queued' OR (status = 'failed' AND retry_at <= ?) ORDER BY position, key",
        [iso(now)],
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def send_due(services: Any, now: dt.datetime, relay: Relay, user: str = SYSTEM) -> dict[str, Any]:
    """Send every due notification once; the counts of what happened. With `[notifications]
    digest = true`, an agency's due notifications go as one message."""
    reader = services.read(user=user, action="notify send", shared=True)
    app, config = services.app, services.app.config
    counts = {"sent": 0, "failed": 0, "dropped": 0, "skipped": 0}
    batches: list[list[dict[str, Any]]] = []
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for row in due_rows(reader.db, now):
        if config.notifications.digest and row["kind"] != "resident":
            by_agency.setdefault(row["agency_to"], []).append(row)
        else:
            batches.append([row])
    for batch in [*batches, *by_agency.values()]:
        for outcome, count in _send_batch(app, config, reader, batch, now, relay, user).items():
            counts[outcome] += count
    return counts


def _notification(app: Any, row: dict[str, Any], user: str, now: dt.datetime) -> Notification:
    try:
        return app.repository.get(notification_id(row["key"]))
    except AggregateNotFoundError:
        return Notification(
            key=row["key"],
            kind=row["kind"],
            case=row["case"] or "",
            agency_to=row["agency_to"],
            person=None,
            note=None,
            user=user,
            agency="",
            at=now,
        )


def _addresses(app: Any, config: Any, reader: Any, found: Notification) -> list[str]:
    """Where it goes: the resident's address (read now), or the agency's and the tasking owner's own."""
    if found.kind == "resident":
        try:
            email = app.get_person(found.person or "").email or ""
        except DomainError:
            return []
        return [email] if "@" in email else []  # erased (`[erased]`): no address, nothing sent
    agency = config.agencies.get(found.agency_to or "")
    found_to = [agency.email] if agency and agency.email else []
    owner = _owner(reader, found)
    if owner:
        try:
            email = app.get_user(owner).email or ""
        except DomainError:
            email = ""
        if "@" in email and email not in found_to:
            found_to.append(email)
    return found_to


def _owner(reader: Any, found: Notification) -> str | None:
    """The owner of the tasking an email is about, as the case stands now (none for a pack)."""
    if found.kind not in ("tasking", "reassignment") or not found.case:
        return None
    from tasking.queries.state import case_states

    state = case_states(reader.db, reader.point, [found.case], reveal_text=False).get(found.case)
    tasking = next((t for t in state.taskings.values() if f":{t.tasking}:" in found.key), None) if state else None
    return tasking.owner if tasking and tasking.tasked_agency == found.agency_to else None


def _claim(app: Any, row: dict[str, Any], now: dt.datetime, user: str) -> Notification | None:
    found = _notification(app, row, user, now)
    try:
        found.claim(by=f"{user}@{socket.gethostname()}:{os.getpid()}", at=now)
        app.save(found)
    except (DomainError, IntegrityError):  # sent, claimed or not yet due; or another sender claimed it first
        return None
    return found


def _send_batch(
    app: Any, config: Any, reader: Any, rows: list[dict[str, Any]], now: dt.datetime, relay: Relay, user: str
) -> dict[str, int]:
    """Claim each row, hand one message for those claimed to the relay, then record the outcome on each."""
    claimed = [(row, found) for row in rows if (found := _claim(app, row, now, user)) is not None]
    counts = {"skipped": len(rows) - len(claimed)}
    if not claimed:
        return counts
    bound = log.bind(keys=[row["key"] for row, _ in claimed], kind=claimed[0][0]["kind"], case=claimed[0][0]["case"])
    to: list[str] = []
    for _, found in claimed:
        to += [address for address in _addresses(app, config, reader, found) if address not in to]
    if not to:
        for _, found in claimed:
            found.drop("no address: the agency has no `email`, or the person has none (or was erased)", now)
        app.save(*(found for _, found in claimed))
        bound.warning("notify.dropped", reason="no address")
        return {**counts, "dropped": len(claimed)}
    email = messages.stamp(
        messages.build(config, reader.db, reader.point, [row for row, _ in claimed], ", ".join(to), claimed[0][1].note),
        now,
    )
    try:
        relay.send(email)
    except (OSError, smtplib.SMTPException) as exc:
        outcome = "failed"
        for _, found in claimed:
            if found.attempts >= MAX_ATTEMPTS:
                found.drop(f"gave up after {found.attempts} attempts: {describe(exc)}", now)
                outcome = "dropped"
            else:
                found.failed(describe(exc), now, now + backoff(found.attempts))
        app.save(*(found for _, found in claimed))
        bound.warning(f"notify.{outcome}", error=describe(exc), attempt=claimed[0][1].attempts)
        return {**counts, outcome: len(claimed)}
    if os.environ.get(FAULT) == "after-accept":
        os._exit(75)  # the relay has it; `Sent` is not yet recorded
    for _, found in claimed:
        found.sent(email["Message-ID"], now)
    app.save(*(found for _, found in claimed))
    bound.info("notify.sent", message_id=email["Message-ID"])
    return {**counts, "sent": len(claimed)}


def release(app: Any, key: str, user: str, now: dt.datetime) -> dict[str, Any]:
    """A claimed notification whose outcome is unknown may be sent again (a person checked the relay)."""
    try:
        found = app.repository.get(notification_id(key))
    except AggregateNotFoundError:
        raise DomainError("key", f"no notification {key!r} has been claimed") from None
    found.release(user, now)
    app.save(found)
    return {"key": key, "status": "failed"}


def outbox(reader: Any, queued: bool = False, failed: bool = False) -> list[dict[str, Any]]:
    """The outbox's rows; `failed` also lists claims whose outcome is unknown and dropped ones."""
    where = "1"
    if queued:
        where = "status = 'queued'"
    elif failed:
        where = "status IN ('failed', 'claimed', 'dropped')"
    cursor = reader.db.execute(
        f"SELECT key, kind, [case], tasking, agency_to, day, status, attempts, queued_at, "
        f"updated_at, retry_at, message_id, error FROM outbox WHERE {where} ORDER BY position, key"
    )
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        if row["status"] == "claimed":
            row["status"] = "unknown"  # claimed with no outcome recorded: see the module's docstring
    return rows
