"""The `access_log` view: every read of case details and every refused attempt, append-only.

`tasking access-log` lists it, for coordinators and admins. Its rows come from `CaseAccess` and
`AccessRefusal` events, which are aggregates of their own: no case's reads, figures or activity
see them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tasking.domain.access import AccessRefusal, CaseAccess
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class AccessLogProjection(Projection):
    name = "access_log"
    tables = ("access_log",)
    version = 1

    def create(self, db: Database) -> None:
        db.table("access_log").create(
            {
                "position": int,
                "at": str,
                "user": str,
                "agency": str,
                "role": str,
                "action": str,
                "what": str,
                "cases": str,
                "refused": int,
            },
            pk="position",
        )
        db.table("access_log").create_index(["user", "position"])

    @handles(CaseAccess.Recorded)
    def _read(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "access_log",
            {
                "position": position,
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
                "role": None,
                "action": e.action,
                "what": e.what,
                "cases": json.dumps(e.cases),
                "refused": 0,
            },
            deferred=True,
        )

    @handles(AccessRefusal.Recorded)
    def _refused(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "access_log",
            {
                "position": position,
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
                "role": e.role,
                "action": e.action,
                "what": f"refused: {e.rule}",
                "cases": json.dumps([e.case] if e.case else []),
                "refused": 1,
            },
            deferred=True,
        )
