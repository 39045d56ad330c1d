"""A user's role and their leaving: `DeactivateUser` / `deactivate_user` / `tasking users deactivate`
and `ChangeRole` / `change_role` / `tasking users role`. (Adding a user is `setup`; tokens, `tokens`.)"""

from __future__ import annotations

from typing import Literal

from tasking.commands.base import Code, Command, Text
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.ids import user_id
from tasking.domain.user import User
from tasking.errors import DomainError
from tasking.store.application import TaskingApp

Role = Literal["coordinator", "officer", "analyst", "admin", "integration"]


class DeactivateUser(Command):
    login: Code
    reason: Text


class ChangeRole(Command):
    login: Code
    role: Role
    reason: Text


def _stored_user(app: TaskingApp, login: str) -> User:
    """The user as stored (not the process's kept copy), to decide on and save."""
    app.get_user(login, "id")
    return app.repository.get(user_id(login))


@handler
def deactivate_user(app: TaskingApp, cmd: DeactivateUser) -> Result:
    login, agency = acting(app, cmd)
    if cmd.login == login:
        raise DomainError("id", "a user cannot deactivate themselves")
    found = _stored_user(app, cmd.login)
    found.deactivate(cmd.reason, login, agency, cmd.effective)
    app.save(found)
    return {"user": cmd.login, "active": False}


@handler
def change_role(app: TaskingApp, cmd: ChangeRole) -> Result:
    login, agency = acting(app, cmd)
    if cmd.login == login:  # no one changes their own role (issue 21, 7)
        raise app.refuse(app.actor(login), "users role", "no one changes their own role")
    found = _stored_user(app, cmd.login)
    found.change_role(cmd.role, cmd.reason, login, agency, cmd.effective)
    app.save(found)
    return {"user": cmd.login, "role": cmd.role}
