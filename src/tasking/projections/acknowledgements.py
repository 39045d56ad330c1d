"""The `flag_acknowledgements` view: each time a repeat flag was answered, and for which cases."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tasking.domain.repeat_flag import RepeatFlag
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class AcknowledgementsProjection(Projection):
    name = "flag_acknowledgements"
    tables = ("flag_acknowledgements",)
    version = 1

    def create(self, db: Database) -> None:
        db.table("flag_acknowledgements").create(
            {"position": int, "flag": str, "cases": str, "note": str, "at": str, "user": str, "agency": str},
            pk="position",
        )
        db.table("flag_acknowledgements").create_index(["flag", "at"])

    @handles(RepeatFlag.Acknowledged, RepeatFlag.AcknowledgedAgain)
    def _acknowledged(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "flag_acknowledgements",
            {
                "position": position,
                "flag": e.flag,
                "cases": json.dumps(sorted(e.cases)),
                "note": e.note,
                "at": iso(e.at),
                "user": e.user,
                "agency": e.agency,
            },
        )
