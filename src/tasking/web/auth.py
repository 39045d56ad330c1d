"""Who is asking: a bearer token (the API) or a signed session cookie (the pages).

Tokens are checked against the User aggregate's recorded hashes on every request, so a revoked
or expired token stops working at once, in every worker. Failed attempts are counted per client
address and per login a token names and, past a limit, refused with 429 for a while (a valid token
is never refused); they are logged without the token. The client address is the socket's peer
unless `tasking serve --forwarded-allow-ips` names the proxy in front.
"""

from __future__ import annotations

import collections
import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import structlog
from eventsourcing.application import AggregateNotFoundError

from tasking.commands.tokens import login_of, token_hash
from tasking.domain.ids import user_id
from tasking.domain.session import EndedSession
from tasking.time.instants import utcnow
from tasking.web.problems import Problem

log = structlog.get_logger("tasking.web")
BEARER = {"WWW-Authenticate": 'Bearer realm="tasking"'}


@dataclass(frozen=True)
class Principal:
    """The signed-in user, as the token's user aggregate stood when the request arrived."""

    login: str
    name: str
    agency: str
    role: str
    token: str


class FailedAttempts:
    """At most `limit` failed sign-ins within `window` seconds per client address and per login a
    token names (per process). Only failures are limited: a valid token is never refused."""

    def __init__(self, limit: int = 10, window: float = 300.0, clock: Any = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    @staticmethod
    def _keys(client: str, login: str | None) -> list[tuple[str, str]]:
        keys = [("address", f"address:{client}")]
        if login is not None:
            keys.append(("token", f"login:{login}"))
        return keys

    def _recent(self, key: str) -> collections.deque[float]:
        now, seen = self.clock(), self._seen[key]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def check(self, client: str, login: str | None = None) -> None:
        with self._lock:
            for kind, key in self._keys(client, login):
                seen = self._recent(key)
                if len(seen) >= self.limit:
                    wait = max(1, int(seen[0] + self.window - self.clock()) + 1)
                    what = "this address" if kind == "address" else "this token's user"
                    raise Problem(
                        429,
                        f"too many failed sign-ins for {what}; try again in {wait} s",
                        headers={"Retry-After": str(wait)},
                    )

    def failed(self, client: str, login: str | None = None) -> None:
        with self._lock:
            for _kind, key in self._keys(client, login):
                self._recent(key).append(self.clock())


def authenticate(
    app: Any, token: str | None, client: str, attempts: FailedAttempts, via: str, now: dt.datetime | None = None
) -> Principal:
    """The user a token belongs to; or 401, or 429 after too many failures from `client` or for the
    login the token names. A valid token is checked first, so no one's failures lock it out."""
    if not token:
        raise Problem(
            401,
            "a bearer token is required: `Authorization: Bearer TOKEN` (from `tasking users token`)",
            headers=BEARER,
        )
    login = login_of(token)
    reason, user, found = "malformed", None, None
    if login is not None:
        try:
            user = app.repository.get(user_id(login))  # fresh, not the per-process cache: tokens change
        except AggregateNotFoundError:
            reason = "unknown user"
        else:
            found = user.token_matching(token_hash(token), now or utcnow())
            reason = "unknown, revoked or expired token"
            if found is not None and getattr(user, "active", True) is False:
                found, reason = None, "user deactivated"
    if found is None or user is None:
        attempts.check(client, login)
        attempts.failed(client, login)
        # Never the token: the login it names (if any), the client and the reason only.
        log.warning("web.sign_in.failed", via=via, client=client, login=login, reason=reason)
        raise Problem(401, "the token is not valid (unknown, revoked or expired)", headers=BEARER)
    return Principal(login=user.login, name=user.name, agency=user.member_of, role=user.role, token=found)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def end_session(app: Any, session: dict[str, Any], now: dt.datetime | None = None) -> None:
    """Sign-out: record the session as ended, so a copy of its cookie no longer signs anyone in."""
    sid = session.get("sid")
    if not sid or EndedSession.create_id(sid) in app.repository:
        return
    user = principal_from_session(app, session, now)
    if user is None:
        return
    app.save(EndedSession(session=sid, user=user.login, agency=user.agency, at=now or utcnow()))
    log.info("web.sign_out", user=user.login)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def check_csrf(session: dict[str, Any], sent: str | None) -> None:
    expected = session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(str(expected), str(sent)):
        raise Problem(
            403,
            "csrf: the form's token does not match this session; reload the page and try again",
            field="csrf",
            rule="mismatch",
        )


def principal_from_session(app: Any, session: dict[str, Any], now: dt.datetime | None = None) -> Principal | None:
    """The session's user while the token it signed in with is still active; else None (sign in again)."""
    login, digest, sid = session.get("login"), session.get("token_hash"), session.get("sid")
    if not login or not digest or not sid or EndedSession.create_id(sid) in app.repository:
        return None
    try:
        user = app.repository.get(user_id(login))
    except AggregateNotFoundError:
        return None
    found = user.token_matching(digest, now or utcnow())
    if found is None or getattr(user, "active", True) is False:
        return None
    return Principal(login=user.login, name=user.name, agency=user.member_of, role=user.role, token=found)
