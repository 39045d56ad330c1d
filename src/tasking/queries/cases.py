"""The case list, from the `cases` view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.time.instants import iso


def list_cases(db: Database, open_only: bool = False, area: str | None = None,
               until: dt.datetime | None = None) -> list[dict[str, Any]]:
    where: list[str] = []
    params: list[Any] = []
    if until is not None:
        where.append("received_at <= ?")
        params.append(iso(until))
    if open_only:
        where.append("status = 'open'")
    if area:
        where.append("lower(area) = lower(?)")
        params.append(area)
    sql = "SELECT reference, status, received_at, source, category, area, location, risk FROM cases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY received_at, reference"
    return [dict(row) for row in db.query(sql, params)]
