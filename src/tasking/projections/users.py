"""The `users` view: the roster, for `tasking users list`."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.user import User
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class UsersProjection(Projection):
    name = "users"
    tables = ("users", "user_changes")
    version = 3

    def create(self, db: Database) -> None:
        db.table("users").create(
            {"login": str, "name": str, "agency": str, "role": str, "added_at": str, "added_by": str, "position": int},
            pk="login",
        )
        # Deactivations and role changes (issue 12), folded by `tasking users list` at its read point.
        db.table("user_changes").create(
            {"position": int, "login": str, "change": str, "role": str, "reason": str, "at": str, "by": str},
            pk="position",
        )

    @handles(User.Registered)
    def _registered(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "users",
            {
                "login": e.login,
                "name": e.name,
                "agency": e.member_of,
                "role": e.role,
                "added_at": iso(e.at),
                "added_by": e.user,
                "position": position,
            },
        )

    @handles(User.Deactivated)
    def _deactivated(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "user_changes",
            {
                "position": position,
                "login": e.login,
                "change": "deactivated",
                "role": None,
                "reason": e.reason,
                "at": iso(e.at),
                "by": e.user,
            },
        )

    @handles(User.RoleChanged)
    def _role_changed(self, db: Database, e: Any, position: int) -> None:
        self.insert(
            db,
            "user_changes",
            {
                "position": position,
                "login": e.login,
                "change": "role",
                "role": e.role,
                "reason": e.reason,
                "at": iso(e.at),
                "by": e.user,
            },
        )
