"""The `open311_requests` and `open311_updates` views: the reports that came in through Open311
(FixMyStreet) and what goes back out about them (issue 23).

An update row is written for each reporter update, closure and reopening of such a case; the
words the officer chose to share (`PublicNoteShared`, recorded right after) attach to the case's
latest row. The note is kept as the stored (sealed) token; reads reveal it.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.domain.open311 import Open311Request
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES
from tasking.time.instants import iso


class Open311Projection(Projection):
    name = "open311"
    tables = ("open311_requests", "open311_updates")
    version = 1

    def create(self, db: Database) -> None:
        db.table("open311_requests").create(
            {
                "case": str,
                "key": str,
                "user": str,
                "service_code": str,
                "requested_at": str,
                "updated_at": str,
                "status": str,
                "note": str,
                "position": int,
            },
            pk="case",
        )
        db.table("open311_updates").create(
            {"position": int, "case": str, "status": str, "at": str, "note": str}, pk="position"
        )
        db.table("open311_updates").create_index(["at"])

    @handles(Open311Request.Open311RequestReceived)
    def _received(self, db: Database, e: Any, position: int) -> None:
        db.conn.execute(
            "INSERT OR IGNORE INTO open311_requests ([case], key, user, service_code, requested_at, "
            "updated_at, status, position) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
            (e.case, e.key, e.user, e.service_code, iso(e.at), iso(e.at), position),
        )

    def _update(self, db: Database, e: Any, position: int, status: str | None) -> None:
        case = REFERENCES.of(db, str(e.originator_id))
        found = db.conn.execute("SELECT status FROM open311_requests WHERE [case] = ?", (case,)).fetchone()
        if found is None:
            return
        status = status or found[0]
        db.conn.execute(
            "UPDATE open311_requests SET status = ?, updated_at = ? WHERE [case] = ?", (status, iso(e.at), case)
        )
        db.conn.execute(
            "INSERT INTO open311_updates (position, [case], status, at) VALUES (?, ?, ?, ?)",
            (position, case, status, iso(e.at)),
        )

    @handles(Case.ReporterUpdated)
    def _reporter_updated(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, None)

    @handles(Case.Closed)
    def _closed(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, "closed")

    @handles(Case.Reopened)
    def _reopened(self, db: Database, e: Any, position: int) -> None:
        self._update(db, e, position, "open")

    @handles(Case.PublicNoteShared)
    def _shared(self, db: Database, e: Any, position: int) -> None:
        case = REFERENCES.of(db, str(e.originator_id))
        db.conn.execute(
            "UPDATE open311_updates SET note = ? WHERE position = "
            "(SELECT max(position) FROM open311_updates WHERE [case] = ?)",
            (e.note, case),
        )
        db.conn.execute("UPDATE open311_requests SET note = ? WHERE [case] = ?", (e.note, case))
