"""Setting a store up: the partnership and its first coordinator (`InitStore` / `init_store` /
`tasking init`), its users (`AddUser`, `tasking users add`) and the people reports refer to
(`AddPerson`, `tasking person add`). A user's role and deactivation are in `users`."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from tasking.commands.base import Code, Command, Login, Text
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.commands.users import ChangeRole, DeactivateUser, Role
from tasking.config import parse_config
from tasking.domain.partnership import Partnership
from tasking.domain.person import Person
from tasking.domain.user import User
from tasking.errors import DomainError
from tasking.store.application import TaskingApp

__all__ = ["AddPerson", "AddUser", "ChangeRole", "DeactivateUser", "InitStore", "Role"]


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


@handler
def init_store(app: TaskingApp, cmd: InitStore) -> Result:
    if app.is_initialised():
        raise DomainError("store", f"{app.store_label or 'the store'} is already initialised")
    config = parse_config(cmd.config_toml)
    member_of = config.check_agency(cmd.agency)
    partnership = Partnership(config_toml=cmd.config_toml, user=cmd.user, agency=member_of, at=cmd.effective)
    admin = User(
        login=cmd.user,
        name=cmd.name,
        member_of=member_of,
        role="coordinator",
        user=cmd.user,
        agency=member_of,
        at=cmd.effective,
    )
    app.save(partnership, admin)
    return {"user": cmd.user, "partnership": config.name}


@handler
def add_user(app: TaskingApp, cmd: AddUser) -> Result:
    login, agency = acting(app, cmd)
    member_of = app.config.check_agency(cmd.agency)
    if User.create_id(cmd.login) in app.repository:
        raise DomainError("login", f"user {cmd.login!r} already exists")
    added = User(
        login=cmd.login, name=cmd.name, member_of=member_of, role=cmd.role, user=login, agency=agency, at=cmd.effective
    )
    if cmd.email:
        added.set_email(cmd.email, login, agency, cmd.effective)  # where the taskings they own are emailed
    app.save(added)
    return {"user": cmd.login}


@handler
def add_person(app: TaskingApp, cmd: AddPerson) -> Result:
    login, agency = acting(app, cmd)
    sequence = app.sequence("people")
    reference = f"PER-{sequence.next():05d}"
    person = Person(
        reference=reference,
        name=cmd.name,
        phone=cmd.phone,
        email=cmd.email,
        address=cmd.address,
        user=login,
        agency=agency,
        at=cmd.effective,
    )
    app.save(sequence, person)
    return {"person": reference}
