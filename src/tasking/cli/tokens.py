"""`tasking users token|enrol|redeem|revoke-token`: API tokens, issued only to their own user, and
one-time enrolment codes; each is printed once and only its hash recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from tasking.cli.context import build, emit, required_user, run, services
from tasking.cli.params import at_option, json_option, user_option
from tasking.cli.setup import users
from tasking.commands import send
from tasking.time.instants import local_time, utcnow


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
