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
        db["log"].create({"position": int, "event": str, "aggregate_id": str, "version": int, "user": str,
                          "recorded_at": str},
                         pk="position")
        db["log"].create_index(["recorded_at"])
        db["log"].create_index(["aggregate_id", "position"])

    def on_any(self, db: Database, event: Any, position: int) -> None:
        self.insert(db, "log", {
            "position": position, "event": type(event).__qualname__, "aggregate_id": str(event.originator_id),
            "version": event.originator_version,
            "user": getattr(event, "user", None), "recorded_at": iso_precise(event.timestamp),
        }, deferred=True)
