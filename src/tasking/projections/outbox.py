"""The `outbox` view: every email the engine owes, and where each stands (issue 23).

A tasking raised or reassigned queues an email to the tasked agency; an issued briefing queues one
pack email per agency with taskings due or overdue at that meeting; `update-reporter --channel
email --send` queues one to the resident (`NotificationQueued`). The sender's events (claimed,
sent, failed, dropped, released) move a row's status. Rows hold references only, never an address.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.briefing import Briefing
from tasking.domain.case import Case
from tasking.domain.notification import Notification, notification_id
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES
from tasking.time.instants import iso

COLUMNS = {
    "key": str,
    "nid": str,
    "kind": str,
    "case": str,
    "tasking": str,
    "agency_to": str,
    "person": str,
    "day": str,
    "status": str,
    "attempts": int,
    "queued_at": str,
    "updated_at": str,
    "retry_at": str,
    "message_id": str,
    "error": str,
    "position": int,
}


class OutboxProjection(Projection):
    name = "outbox"
    tables = ("outbox", "outbox_tasked")
    version = 1

    def create(self, db: Database) -> None:
        db.table("outbox").create(COLUMNS, pk="key")
        db.table("outbox").create_index(["nid"], unique=True)
        db.table("outbox").create_index(["status", "retry_at"])
        db.table("outbox_tasked").create({"case": str, "tasking": str, "agency": str}, pk=("case", "tasking"))

    def _queue(self, db: Database, position: int, key: str, kind: str, at: Any, **fields: Any) -> None:
        row = {
            "key": key,
            "nid": str(notification_id(key)),
            "kind": kind,
            "status": "queued",
            "attempts": 0,
            "queued_at": iso(at),
            "updated_at": iso(at),
            "position": position,
            **fields,
        }
        row = {column: value for column, value in row.items() if value is not None}
        db.conn.execute(
            f"INSERT OR IGNORE INTO outbox ({', '.join(f'[{c}]' for c in row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )

    @handles(Case.TaskingRaised)
    def _raised(self, db: Database, e: Any, position: int) -> None:
        case = REFERENCES.of(db, str(e.originator_id))
        db.conn.execute("INSERT OR REPLACE INTO outbox_tasked VALUES (?, ?, ?)", (case, e.tasking, e.to_agency))
        self._queue(
            db,
            position,
            f"tasking:{case}:{e.tasking}:raised",
            "tasking",
            e.at,
            case=case,
            tasking=e.tasking,
            agency_to=e.to_agency,
        )

    @handles(Case.TaskingReassigned)
    def _reassigned(self, db: Database, e: Any, position: int) -> None:
        case = REFERENCES.of(db, str(e.originator_id))
        db.conn.execute("INSERT OR REPLACE INTO outbox_tasked VALUES (?, ?, ?)", (case, e.tasking, e.to_agency))
        self._queue(
            db,
            position,
            f"tasking:{case}:{e.tasking}:reassigned:{e.originator_version}",
            "reassignment",
            e.at,
            case=case,
            tasking=e.tasking,
            agency_to=e.to_agency,
        )

    @handles(Briefing.BriefingIssued)
    def _issued(self, db: Database, e: Any, position: int) -> None:
        agencies: set[str] = set()
        for item in e.due_taskings:
            case, _, tasking = item.partition("/")
            rows = db.conn.execute(
                "SELECT agency FROM outbox_tasked WHERE [case] = ? AND (tasking = ? OR ? NOT LIKE 'T%')",
                (case, tasking, tasking),
            ).fetchall()
            agencies.update(row[0] for row in rows)
        for agency in sorted(agencies):
            self._queue(
                db, position, f"pack:{e.meeting_day}:{agency}", "pack", e.at, agency_to=agency, day=e.meeting_day
            )

    @handles(Notification.NotificationQueued)
    def _queued(self, db: Database, e: Any, position: int) -> None:
        self._queue(db, position, e.key, e.kind, e.at, case=e.case, agency_to=e.agency_to, person=e.person)

    def _update(self, db: Database, e: Any, **fields: Any) -> None:
        sets = ", ".join(f"[{column}] = ?" for column in fields)
        db.conn.execute(
            f"UPDATE outbox SET {sets}, updated_at = ? WHERE nid = ?",
            (*fields.values(), iso(e.at), str(e.originator_id)),
        )

    @handles(Notification.NotificationClaimed)
    def _claimed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="claimed", attempts=e.attempt)

    @handles(Notification.NotificationSent)
    def _sent(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="sent", message_id=e.message_id, error=None, retry_at=None)

    @handles(Notification.NotificationFailed)
    def _failed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="failed", error=e.error, retry_at=iso(e.retry_at))

    @handles(Notification.NotificationDropped)
    def _dropped(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="dropped", error=e.reason, retry_at=None)

    @handles(Notification.NotificationReleased)
    def _released(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, status="failed", error="released by a person after checking the relay", retry_at=None)
