"""Users of the system: staff of partner agencies. Their own history is auditable."""

from __future__ import annotations

import datetime as dt

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import user_id

ROLES = ("coordinator", "officer", "analyst", "admin")


class User(Aggregate):
    @staticmethod
    def create_id(login: str, **_: object) -> object:
        return user_id(login)

    @event("Registered")
    def __init__(self, login: str, name: str, member_of: str, role: str, user: str, agency: str, at: dt.datetime):
        self.login = login
        self.name = name
        self.member_of = member_of
        self.role = role
