"""Users of the system: staff of partner agencies. Their own history is auditable."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import user_id

ROLES = ("coordinator", "officer", "analyst", "admin", "integration")


class User(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Registered: ClassVar[type[Aggregate.Created]]
        EmailSet: ClassVar[type[Aggregate.Event]]
        Deactivated: ClassVar[type[Aggregate.Event]]
        RoleChanged: ClassVar[type[Aggregate.Event]]
        TokenIssued: ClassVar[type[Aggregate.Event]]
        Enrolled: ClassVar[type[Aggregate.Event]]
        EnrolmentRedeemed: ClassVar[type[Aggregate.Event]]
        TokenRevoked: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(login: str, **_: object) -> object:
        return user_id(login)

    @event("Registered")
    def __init__(
        self, login: str, name: str, member_of: str, role: str, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.login = login
        self.name = name
        self.member_of = member_of
        self.role = role

    active = True  # users registered before deactivation existed are active
    email: str | None = None  # their own address, for taskings they own (issue 23); sealed with their key

    def set_email(self, email: str, user: str, agency: str, at: dt.datetime) -> None:
        self._email_set(login=self.login, email=email, user=user, agency=agency, at=at)

    @event("EmailSet")
    def _email_set(self, login: str, email: str, user: str, agency: str, at: dt.datetime) -> None:
        self.email = email

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

    # --- API tokens (issue 13): only a token's hash is ever recorded ------------------------------

    @property
    def tokens(self) -> dict[str, dict[str, Any]]:
        """Token id (`K1`, `K2`, ...) -> {"hash", "expires_at", "revoked_at"}."""
        tokens: dict[str, dict[str, Any]] = self.__dict__.setdefault("_tokens", {})
        return tokens

    def issue_token(self, token_hash: str, expires_at: dt.datetime, user: str, agency: str, at: dt.datetime) -> str:
        token = f"K{len(self.tokens) + 1}"
        self._token_issued(token=token, token_hash=token_hash, expires_at=expires_at, user=user, agency=agency, at=at)
        return token

    @event("TokenIssued")
    def _token_issued(
        self, token: str, token_hash: str, expires_at: dt.datetime, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.tokens[token] = {"hash": token_hash, "expires_at": expires_at, "revoked_at": None}

    # --- enrolment (issue 21, 7): a one-time code the new user redeems for their own token --------

    @property
    def enrolments(self) -> dict[str, dict[str, Any]]:
        """Code hash -> {"expires_at", "redeemed_at"}: who enrolled the user is in the event."""
        enrolments: dict[str, dict[str, Any]] = self.__dict__.setdefault("_enrolments", {})
        return enrolments

    def enrol(self, code_hash: str, expires_at: dt.datetime, user: str, agency: str, at: dt.datetime) -> None:
        self.check_active()
        self._enrolled(code_hash=code_hash, expires_at=expires_at, user=user, agency=agency, at=at)

    @event("Enrolled")
    def _enrolled(self, code_hash: str, expires_at: dt.datetime, user: str, agency: str, at: dt.datetime) -> None:
        self.enrolments[code_hash] = {"expires_at": expires_at, "redeemed_at": None}

    def redeem(self, code_hash: str, token_hash: str, expires_at: dt.datetime, at: dt.datetime) -> str:
        """Spend a one-time enrolment code on a token of the user's own (issued by the user)."""
        import hmac

        self.check_active()
        found = [k for k in self.enrolments if hmac.compare_digest(k, code_hash)]
        pending = self.enrolments[found[0]] if found else None
        if pending is None or pending["redeemed_at"] is not None or pending["expires_at"] <= at:
            raise DomainError("code", f"no unused, unexpired enrolment code of {self.login} matches")
        self._enrolment_redeemed(code_hash=found[0], user=self.login, agency=self.member_of, at=at)
        return self.issue_token(token_hash, expires_at, user=self.login, agency=self.member_of, at=at)

    @event("EnrolmentRedeemed")
    def _enrolment_redeemed(self, code_hash: str, user: str, agency: str, at: dt.datetime) -> None:
        self.enrolments[code_hash]["redeemed_at"] = at

    def revoke_tokens(self, token: str | None, user: str, agency: str, at: dt.datetime) -> list[str]:
        """Revoke one token by its id, or (None) every token still active; returns the ids revoked."""
        from tasking.errors import DomainError

        if token is not None and token not in self.tokens:
            raise DomainError(
                "token", f"{self.login} has no token {token!r} (tokens: {', '.join(self.tokens) or 'none'})"
            )
        wanted = [token] if token is not None else [k for k, t in self.tokens.items() if t["revoked_at"] is None]
        wanted = [k for k in wanted if self.tokens[k]["revoked_at"] is None]
        if not wanted:
            raise DomainError("token", f"{self.login} has no active token to revoke")
        for name in wanted:
            self._token_revoked(token=name, user=user, agency=agency, at=at)
        return wanted

    @event("TokenRevoked")
    def _token_revoked(self, token: str, user: str, agency: str, at: dt.datetime) -> None:
        self.tokens[token]["revoked_at"] = at

    def token_matching(self, token_hash: str, now: dt.datetime) -> str | None:
        """The id of the active, unexpired token with this hash, if any (compared in constant time)."""
        import hmac

        found = None
        for name, token in self.tokens.items():
            if (
                hmac.compare_digest(token["hash"], token_hash)
                and token["revoked_at"] is None
                and token["expires_at"] > now
            ):
                found = name
        return found
