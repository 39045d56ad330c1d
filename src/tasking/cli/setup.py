"""`tasking init` and `tasking users add|deactivate|role|list` (the tokens are tokens.py's, `tasking person` person.py's)."""

from __future__ import annotations

import click

from tasking.bootstrap import redact
from tasking.cli.context import build, emit, emit_read, reader, run, services
from tasking.cli.params import at_option, json_option, read_options, request_id, request_option, user_option
from tasking.commands import AddUser, InitStore, send
from tasking.commands.setup import ChangeRole, DeactivateUser
from tasking.config import default_config_text, read_config_file
from tasking.queries.roster import users as roster_users
from tasking.time.instants import utcnow


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
