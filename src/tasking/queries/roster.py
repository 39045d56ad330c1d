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
    """The users registered by the point, each with their role and whether active at the point."""
    reader.app.authorize(reader.actor, "users list")
    found = _listed(
        reader,
        "users",
        "SELECT login, name, agency, role, added_at FROM users WHERE position <= ?",
        "added_at",
        iso,
        "login",
    )
    changes = _listed(reader, "changes", "SELECT * FROM user_changes WHERE position <= ?", "at", iso, "position")
    rows = {row["login"]: {**row, "active": True} for row in found["users"]}
    for change in changes["changes"]:
        row = rows.get(change["login"])
        if row is None:
            continue
        if change["change"] == "role":
            row["role"] = change["role"]
        else:
            row["active"] = False
    found["users"] = list(rows.values())
    return found


def briefings_issued(reader: Reader) -> dict[str, Any]:
    """The packs issued by the point, by meeting."""
    return _listed(
        reader, "briefings", "SELECT * FROM briefings WHERE position <= ?", "issued_at", iso_precise, "meeting"
    )
