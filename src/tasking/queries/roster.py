"""The roster and the packs issued, at a read point."""

from __future__ import annotations

from typing import Any

from tasking.queries.point import Reader
from tasking.time.instants import iso, iso_precise


def _listed(reader: Reader, key: str, sql: str, effective: str, stamp: Any, order: str) -> dict[str, Any]:
    """Rows recorded by the point's position and, when it has an `at`, effective by it."""
    params: list[Any] = [reader.point.position]
    if reader.point.at is not None:
        sql += f" AND {effective} <= ?"
        params.append(stamp(reader.point.at))
    rows = [dict(r) for r in reader.db.query(f"{sql} ORDER BY {order}", params)]
    return {"at": iso(reader.point.at), "position": reader.point.position, key: rows}


def users(reader: Reader) -> dict[str, Any]:
    """The users registered by the point."""
    return _listed(reader, "users", "SELECT login, name, agency, role, added_at FROM users WHERE position <= ?",
                   "added_at", iso, "login")


def briefings_issued(reader: Reader) -> dict[str, Any]:
    """The packs issued by the point, by meeting."""
    return _listed(reader, "briefings", "SELECT * FROM briefings WHERE position <= ?", "issued_at", iso_precise,
                   "meeting")
