"""`tasking init`, `tasking users ...` and `tasking person add`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from tasking.bootstrap import redact
from tasking.cli.context import (
    acting_user,
    at_option,
    build,
    emit,
    json_option,
    emit_read,
    read_options,
    reader,
    request_id,
    required_user,
    request_option,
    run,
    services,
    user_option,
)
from tasking.commands import AddPerson, AddUser, InitStore, send
from tasking.commands.setup import ChangeRole, DeactivateUser
from tasking.config import default_config_text, read_config_file
from tasking.queries.people import find_people, person_with_cases
from tasking.queries.roster import users as roster_users
from tasking.time.instants import local_time, utcnow


@click.command("init")
@click.option("--admin", "admin", required=True, metavar="ID", help="Login of the first coordinator.")
@click.option("--name", required=True, help="The coordinator's name.")
@click.option("--agency", required=True, metavar="CODE", help="The coordinator's agency code.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A partnership TOML file replacing the default one.",
)
@json_option
@request_option
@click.pass_context
def init(ctx: click.Context, admin: str, name: str, agency: str, config_file: str | None, as_json: bool) -> None:
    """Create a store with its partnership configuration and first coordinator.

    \b
    Example:
      tasking --store csu.db init --admin coordinator --name "Sam Patel" --agency COUNCIL
    """
    text = read_config_file(config_file) if config_file else default_config_text()
    command = build(InitStore, user=admin, at=utcnow(), name=name, agency=agency, config_toml=text)
    result = send(services(ctx, create_tables=True).app, command, request_id=request_id(ctx), at_given=False)
    emit(
        result,
        as_json,
        lambda r: (
            f"Initialised {redact(services(ctx).settings.store)} for {r['partnership']}; first coordinator: {r['user']}"
        ),
    )


@click.group("users")
def users() -> None:
    """Manage the people who use the system.

    \b
    Example:
      tasking users add sgt.jones --name "Alex Jones" --agency POLICE --role officer
    """


@users.command("add")
@click.argument("login", metavar="ID")
@click.option("--name", required=True, help="Full name.")
@click.option("--agency", required=True, metavar="CODE", help="Agency code, e.g. POLICE.")
@click.option("--role", required=True, type=click.Choice(["coordinator", "officer", "analyst", "admin", "integration"]))
@click.option("--email", default=None, help="Their own work address: taskings they own are emailed to it too.")
@user_option
@at_option()
@json_option
@request_option
@click.pass_context
def users_add(
    ctx: click.Context,
    login: str,
    name: str,
    agency: str,
    role: str,
    email: str | None,
    user: str | None,
    at,
    as_json: bool,
) -> None:
    """Add a user. The addition is itself an event, so the roster is auditable.

    \b
    Example:
      TASKING_USER=coordinator tasking users add pcso.fry --name "Jo Fry" --agency POLICE --role officer \\
        --email jo.fry@police.example
    """
    run(
        ctx,
        AddUser,
        as_json=as_json,
        text=lambda r: f"Added user {r['user']}",
        user=user,
        at=at,
        login=login,
        name=name,
        agency=agency,
        role=role,
        email=email,
    )


@users.command("deactivate")
@click.argument("login", metavar="ID")
@click.option("--reason", required=True, help="Why, e.g. left the partnership.")
@user_option
@at_option()
@json_option
@request_option
@click.pass_context
def users_deactivate(ctx: click.Context, login: str, reason: str, user: str | None, at, as_json: bool) -> None:
    """Deactivate a user: from then on they are refused everything. Their history stays.

    \b
    Example:
      TASKING_USER=coordinator tasking users deactivate pcso.fry --reason "Left the partnership"
    """
    run(
        ctx,
        DeactivateUser,
        as_json=as_json,
        text=lambda r: f"Deactivated user {r['user']}",
        user=user,
        at=at,
        login=login,
        reason=reason,
    )


@users.command("role")
@click.argument("login", metavar="ID")
@click.argument("role", type=click.Choice(["coordinator", "officer", "analyst", "admin", "integration"]))
@click.option("--reason", required=True, help="Why, e.g. a new post.")
@user_option
@at_option()
@json_option
@request_option
@click.pass_context
def users_role(ctx: click.Context, login: str, role: str, reason: str, user: str | None, at, as_json: bool) -> None:
    """Change a user's role (coordinator, officer, analyst or admin), as an event on the user.

    \b
    Example:
      TASKING_USER=coordinator tasking users role pcso.fry analyst --reason "Moved to the analysis team"
    """
    run(
        ctx,
        ChangeRole,
        as_json=as_json,
        text=lambda r: f"User {r['user']} is now {r['role']}",
        user=user,
        at=at,
        login=login,
        role=role,
        reason=reason,
    )


@users.command("list")
@read_options
@json_option
@click.pass_context
def users_list(ctx: click.Context, at, as_of, position, as_json: bool) -> None:
    """List the users and their agencies and roles (with --at, those added by then).

    \b
    Example:
      tasking users list --json
    """
    result = roster_users(reader(ctx, at, as_of, position, "users list"))
    if as_json:
        emit_read(result)
        return
    header = f"{'USER':<20} {'AGENCY':<10} {'ROLE':<12} NAME"
    click.echo(
        "\n".join(
            [header]
            + [
                f"{r['login']:<20} {r['agency']:<10} {r['role']:<12} {r['name']}"
                + ("" if r["active"] else " (deactivated)")
                for r in result["users"]
            ]
        )
    )


@click.group("person")
def person() -> None:
    """Record residents' personal details apart from the cases.

    \b
    Example:
      tasking person add --name "Pat Smith" --phone "01732 000000"
    """


@person.command("add")
@click.option("--name", required=True, help="Full name.")
@click.option("--phone", default=None)
@click.option("--email", default=None)
@click.option("--address", default=None)
@user_option
@at_option()
@json_option
@request_option
@click.pass_context
def person_add(
    ctx: click.Context,
    name: str,
    phone: str | None,
    email: str | None,
    address: str | None,
    user: str | None,
    at,
    as_json: bool,
) -> None:
    """Record a person and print their reference. Reports refer to people only by this reference.

    \b
    Example:
      TASKING_USER=coordinator tasking person add --name "Pat Smith" --phone "01732 000000" --json
    """
    run(
        ctx,
        AddPerson,
        as_json=as_json,
        text=lambda r: r["person"],
        user=user,
        at=at,
        name=name,
        phone=phone,
        email=email,
        address=address,
    )


@person.command("find")
@click.option("--name", default=None, help="Part of the name, any case.")
@click.option("--phone", default=None, help="Part of the phone number; spaces and +44 do not matter.")
@json_option
@click.pass_context
def person_find(ctx: click.Context, name: str | None, phone: str | None, as_json: bool) -> None:
    """Find people by name or phone number, e.g. to call a reporter back. Each search is recorded in
    the access log by its kind (by name, by phone) and the people found, never by what was searched for.

    \b
    Example:
      tasking person find --name smith
      tasking person find --phone "01732 000000" --json
    """
    found = find_people(services(ctx).app, name=name, phone=phone, user=acting_user(ctx, None))
    emit(
        found,
        as_json,
        lambda rows: "\n".join(
            [f"{'PERSON':<10} {'NAME':<24} {'PHONE':<16} EMAIL"]
            + [f"{r['person']:<10} {r['name']:<24} {r['phone'] or '':<16} {r['email'] or ''}" for r in rows]
        ),
    )


@person.command("show")
@click.argument("reference", metavar="PERSON")
@read_options
@json_option
@click.pass_context
def person_show(ctx: click.Context, reference: str, at, as_of, position, as_json: bool) -> None:
    """A person's details and the cases they reported or were the victim on.

    \b
    Example:
      tasking person show PER-00001
    """
    result = person_with_cases(reader(ctx, at, as_of, position, "person show"), reference)

    def text(r: dict) -> str:
        lines = [
            f"{label:>8}: {r[key]}"
            for label, key in (
                ("person", "person"),
                ("name", "name"),
                ("phone", "phone"),
                ("email", "email"),
                ("address", "address"),
            )
            if r[key]
        ]
        lines.append(f"{'cases':>8}: {len(r['cases'])}")
        lines += [
            f"{'':>8}  {c['case']} {c['role']} {c['status']} {local_time(c['received_at'])} {c['category']} {c['area']}"
            for c in r["cases"]
        ]
        return "\n".join(lines)

    if as_json:
        emit_read(result)
        return
    click.echo(text(result))


def _expires_option(default: int, most: int, what: str) -> Callable[[Any], Any]:
    return click.option(
        "--expires",
        "days",
        type=click.IntRange(1, most),
        default=default,
        show_default=True,
        metavar="DAYS",
        help=f"Days until the {what} stops working.",
    )


@users.command("token")
@click.argument("login", metavar="ID", required=False)
@_expires_option(90, 3650, "token")
@user_option
@json_option
@click.pass_context
def users_token(ctx: click.Context, login: str | None, days: int, user: str | None, as_json: bool) -> None:
    """Issue an API token for yourself (for `tasking serve`). It is printed once: only its hash is
    recorded, so keep it now. A token is issued only to its own user (ID, if given, must be the
    acting user): a new user redeems the one-time code of `tasking users enrol` instead.

    \b
    Example:
      TASKING_USER=sgt.jones tasking users token --expires 30
      TASKING_USER=sgt.jones tasking users token sgt.jones --json
    """
    from tasking.commands.tokens import IssueToken

    acting = required_user(ctx, user, "users token")
    _issue(ctx, IssueToken, acting, login or acting, days, as_json)


def _issue(ctx: click.Context, kind: type, acting: str, login: str, days: int, as_json: bool, **fields: str) -> None:
    """Make a token for `login`, send `kind` with its hash, print the token once."""
    from tasking.commands.tokens import expiry, new_token

    token, digest = new_token(login)
    now = utcnow()
    command = build(kind, user=acting, at=now, login=login, token_hash=digest, expires_at=expiry(now, days), **fields)
    result = send(services(ctx).app, command)
    shown = {**result, "secret": token}
    emit(
        shown,
        as_json,
        lambda r: (
            f"{r['secret']}\n(token {r['token']} for {r['user']}, expires "
            f"{local_time(r['expires_at'])}; shown once, keep it now)"
        ),
    )


@users.command("enrol")
@click.argument("login", metavar="ID")
@_expires_option(7, 30, "code")
@user_option
@json_option
@click.pass_context
def users_enrol(ctx: click.Context, login: str, days: int, user: str | None, as_json: bool) -> None:
    """Enrol a user: print a one-time sign-up code (shown once, only its hash recorded) that the
    user redeems with `tasking users redeem` for a token of their own. Whoever enrols never holds
    the user's token. Coordinators and admins; the event names who enrolled.

    \b
    Example:
      TASKING_USER=admin tasking users enrol sgt.jones --expires 3
    """
    from tasking.commands.tokens import EnrolUser, expiry, new_token

    acting = required_user(ctx, user, "users enrol")
    code, digest = new_token(login, kind="enr")
    now = utcnow()
    result = send(
        services(ctx).app,
        build(EnrolUser, user=acting, at=now, login=login, code_hash=digest, expires_at=expiry(now, days)),
    )
    emit(
        {**result, "code": code},
        as_json,
        lambda r: (
            f"{r['code']}\n(one-time code for {r['user']}, expires "
            f"{local_time(r['expires_at'])}; give it to them: "
            f"`tasking users redeem CODE`)"
        ),
    )


@users.command("redeem")
@click.argument("code", metavar="CODE")
@_expires_option(90, 3650, "token")
@json_option
@click.pass_context
def users_redeem(ctx: click.Context, code: str, days: int, as_json: bool) -> None:
    """Redeem the one-time code of `tasking users enrol` for your own API token (printed once).
    The code names its user, who is the acting user; it works once, until it expires.

    \b
    Example:
      tasking users redeem enr.c2d0LmpvbmVz.XXXX --json
    """
    from tasking.commands.tokens import RedeemEnrolment, login_of, token_hash

    login = login_of(code, kind="enr")
    if login is None:
        raise click.ClickException("code: not an enrolment code (it reads enr.<user>.<secret>)")
    _issue(ctx, RedeemEnrolment, login, login, days, as_json, code_hash=token_hash(code))


@users.command("revoke-token")
@click.argument("login", metavar="ID")
@click.option("--token", default=None, metavar="K1", help="The token's id (default: every active token of the user).")
@user_option
@at_option()
@json_option
@click.pass_context
def users_revoke_token(ctx: click.Context, login: str, token: str | None, user: str | None, at, as_json: bool) -> None:
    """Revoke a user's API token (one by its id, or all of them): it stops working at once.

    \b
    Example:
      TASKING_USER=coordinator tasking users revoke-token sgt.jones
      TASKING_USER=coordinator tasking users revoke-token sgt.jones --token K1
    """
    from tasking.commands.tokens import RevokeToken

    run(
        ctx,
        RevokeToken,
        as_json=as_json,
        text=lambda r: f"Revoked {', '.join(r['revoked'])} of {r['user']}",
        user=user,
        at=at,
        login=login,
        token=token,
    )
