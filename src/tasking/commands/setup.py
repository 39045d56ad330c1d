"""Commands that set a store up: the partnership, its users and the people reports refer to."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from tasking.commands.base import Code, Command, Login, Text

Role = Literal["coordinator", "officer", "analyst", "admin", "integration"]


class InitStore(Command):
    """Create a store: record the partnership configuration and its first coordinator."""

    user: Login  # the first coordinator's login
    name: Text
    agency: Code
    config_toml: str


class AddUser(Command):
    login: Login
    name: Text
    agency: Code
    role: Role
    email: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
        | None
    ) = None


class AddPerson(Command):
    name: Text
    phone: Text | None = None
    email: Text | None = None
    address: Text | None = None


class DeactivateUser(Command):
    login: Code
    reason: Text


class ChangeRole(Command):
    login: Code
    role: Role
    reason: Text
