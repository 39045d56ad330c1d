"""The `log` view: every notification's position, event name, actor and recorded time.

Every read's `--as-of` turns a wall-clock moment into the last position recorded by then, and
`audit` turns a position into the last version of a case recorded by then.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.projections.base import Projection
from tasking.time.instants import iso_precise


class LogProjection(Projection):
    name = "log"
    tables = ("log",)
    version = 2
    handles_all = True

    def create(self, db: Database) -> None:
        db.table("log").create(
            {"position": int, "event": str, "aggregate_id": str, "version": int, "user": str, "recorded_at": str},
            pk="position",
        )
        db.table("log").create_index(["recorded_at"])
        db.table("log").create_index(["aggregate_id", "position"])

    _insert = Projection.insert_sql("log", ("position", "event", "aggregate_id", "version", "user", "recorded_at"))

    def on_any(self, db: Database, event: Any, position: int) -> None:
        self.append(
            self._insert,
            (
                position,
                type(event).__qualname__,
                str(event.originator_id),
                event.originator_version,
                getattr(event, "user", None),
                iso_precise(event.timestamp),
            ),
        )
