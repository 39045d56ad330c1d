"""API tokens (issue 13): issued to a user, shown once, recorded only as a hash; revoked by id.

A token reads `tsk.<login, base64url>.<secret>`: the login part finds the user, the secret is 32
random bytes, and the store keeps `sha256:` of the whole token, never the token itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from typing import Annotated, Any

from pydantic import AwareDatetime, StringConstraints

from tasking.commands.base import Code, Command
from tasking.commands.registry import handler

TokenHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
TokenId = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[Kk][0-9]{1,6}$")]
DEFAULT_DAYS = 90


class IssueToken(Command):
    """Record a new API token for `login`; the command carries only its hash."""

    login: Code
    token_hash: TokenHash
    expires_at: AwareDatetime


class EnrolUser(Command):
    """Record a one-time enrolment code for `login` (only its hash): the user redeems it for a
    token of their own (`RedeemEnrolment`), so whoever enrols never holds a working token of theirs."""

    login: Code
    code_hash: TokenHash
    expires_at: AwareDatetime


class RedeemEnrolment(Command):
    """The user named by an enrolment code spends it on their own token (the acting user is them)."""

    login: Code
    code_hash: TokenHash
    token_hash: TokenHash
    expires_at: AwareDatetime


class RevokeToken(Command):
    """Revoke one of `login`'s tokens (`K1`, ...), or all its active tokens when `token` is None."""

    login: Code
    token: TokenId | None = None


def token_hash(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(login: str, kind: str = "tsk") -> tuple[str, str]:
    """(token, its hash): the token is shown once, the hash is what is recorded. `kind` "enr" makes
    a one-time enrolment code instead of an API token."""
    name = base64.urlsafe_b64encode(login.encode("utf-8")).decode("ascii").rstrip("=")
    token = f"{kind}.{name}.{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


def login_of(token: str, kind: str = "tsk") -> str | None:
    """The login a token (or, `kind` "enr", an enrolment code) names, or None when it is not shaped
    like one of ours."""
    parts = token.split(".", 2) if token.startswith(f"{kind}.") else []
    if len(parts) != 3 or not parts[1] or len(token) > 400:
        return None
    name = parts[1]
    try:
        login = base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return login or None


def expiry(now: dt.datetime, days: int) -> dt.datetime:
    return (now + dt.timedelta(days=days)).astimezone(dt.timezone.utc).replace(microsecond=0)


# --- handlers ---------------------------------------------------------------------------------


def _may_manage(app: Any, cmd: IssueToken | RevokeToken) -> tuple[Any, Any]:
    """The acting user and the token's owner: users manage their own tokens; coordinators and
    admins may revoke anyone's. A refusal is recorded in the access log (issue 21, 19)."""
    acting = app.actor(cmd.user, "users token")
    owner = app.repository.get(app.get_user(cmd.login, "login").id)  # fresh: tokens change
    if acting.login != owner.login and acting.role not in ("coordinator", "admin"):
        raise app.refuse(acting, "users token", f"{acting.login} may manage only their own tokens")
    return app.get_user(cmd.user), owner


@handler
def issue_token(app: Any, cmd: IssueToken) -> dict[str, Any]:
    """A working token is issued only to its own user (issue 21, 7): no one, admin or coordinator,
    holds a token in someone else's name. A new user is enrolled with a one-time code instead."""
    acting = app.actor(cmd.user, "users token")
    if acting.login != cmd.login:
        raise app.refuse(
            acting,
            "users token",
            f"a token is issued only to its own user, not to {cmd.login}; "
            "enrol them with `tasking users enrol` and let them redeem the code",
        )
    actor, owner = _may_manage(app, cmd)
    token = owner.issue_token(
        cmd.token_hash, cmd.expires_at, user=actor.login, agency=actor.member_of, at=cmd.effective
    )
    app.save(owner)
    return {"user": owner.login, "token": token, "expires_at": cmd.expires_at.isoformat()}


@handler
def revoke_token(app: Any, cmd: RevokeToken) -> dict[str, Any]:
    actor, owner = _may_manage(app, cmd)
    revoked = owner.revoke_tokens(cmd.token, user=actor.login, agency=actor.member_of, at=cmd.effective)
    app.save(owner)
    return {"user": owner.login, "revoked": revoked}


@handler
def enrol_user(app: Any, cmd: EnrolUser) -> dict[str, Any]:
    actor = app.get_user(cmd.user)
    if cmd.login == actor.login:
        raise app.refuse(
            app.actor(cmd.user),
            "users enrol",
            "no one enrols themselves; issue your own token with `tasking users token`",
        )
    owner = app.repository.get(app.get_user(cmd.login, "login").id)
    owner.enrol(cmd.code_hash, cmd.expires_at, user=actor.login, agency=actor.member_of, at=cmd.effective)
    app.save(owner)
    return {"user": owner.login, "expires_at": cmd.expires_at.isoformat()}


@handler
def redeem_enrolment(app: Any, cmd: RedeemEnrolment) -> dict[str, Any]:
    acting = app.actor(cmd.user, "users token")
    if acting.login != cmd.login:
        raise app.refuse(acting, "users token", f"an enrolment code of {cmd.login} is redeemed only by {cmd.login}")
    owner = app.repository.get(app.get_user(cmd.login, "login").id)
    token = owner.redeem(cmd.code_hash, cmd.token_hash, cmd.expires_at, at=cmd.effective)
    app.save(owner)
    return {"user": owner.login, "token": token, "expires_at": cmd.expires_at.isoformat()}
