"""The `users` view: the roster, for `tasking users list`."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.user import User
from tasking.projections.base import Projection, handles
from tasking.time.instants import iso


class UsersProjection(Projection):
    name = "users"
    tables = ("users",)
    version = 2

    def create(self, db: Database) -> None:
        db["users"].create({"login": str, "name": str, "agency": str, "role": str, "added_at": str, "added_by": str,
                            "position": int},
                           pk="login")

    @handles(User.Registered)
    def _registered(self, db: Database, e: Any, position: int) -> None:
        self.insert(db, "users", {"login": e.login, "name": e.name, "agency": e.member_of, "role": e.role,
                            "added_at": iso(e.at), "added_by": e.user, "position": position})
