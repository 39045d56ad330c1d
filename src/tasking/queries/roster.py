"""The roster and the packs issued, at a read point."""

from __future__ import annotations

from typing import Any

from tasking.queries.point import Reader
from tasking.time.instants import iso, iso_precise


def users(reader: Reader) -> dict[str, Any]:
    """Users registered by the point's position and effective by its `at`."""
    sql = "SELECT login, name, agency, role, added_at FROM users WHERE position <= ?"
    params: list[Any] = [reader.point.position]
    if reader.point.at is not None:
        sql += " AND added_at <= ?"
        params.append(iso(reader.point.at))
    rows = [dict(r) for r in reader.db.query(sql + " ORDER BY login", params)]
    return {"at": iso(reader.point.at), "position": reader.point.position, "users": rows}


def briefings_issued(reader: Reader) -> dict[str, Any]:
    """Packs issued by the point's position and effective by its `at`, by meeting."""
    sql = "SELECT * FROM briefings WHERE position <= ?"
    params: list[Any] = [reader.point.position]
    if reader.point.at is not None:
        sql += " AND issued_at <= ?"
        params.append(iso_precise(reader.point.at))
    rows = [dict(r) for r in reader.db.query(sql + " ORDER BY meeting", params)]
    return {"at": iso(reader.point.at), "position": reader.point.position, "briefings": rows}
