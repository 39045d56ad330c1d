"""Users of the system: staff of partner agencies. Their own history is auditable."""

from __future__ import annotations

import datetime as dt

from eventsourcing.domain import Aggregate, event

from tasking.domain.errors import DomainError
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

    active = True  # users registered before deactivation existed are active

    def check_active(self) -> None:
        if not self.active:
            raise DomainError("id", f"user {self.login!r} is already deactivated")

    def deactivate(self, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.check_active()
        self._deactivated(login=self.login, reason=reason, user=user, agency=agency, at=at)

    def change_role(self, role: str, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.check_active()
        if role == self.role:
            raise DomainError("role", f"user {self.login!r} is already {role}")
        self._role_changed(login=self.login, role=role, reason=reason, user=user, agency=agency, at=at)

    @event("Deactivated")
    def _deactivated(self, login: str, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.active = False

    @event("RoleChanged")
    def _role_changed(self, login: str, role: str, reason: str, user: str, agency: str, at: dt.datetime) -> None:
        self.role = role
