"""Who acts: the acting user looked up once per command, and the permission rule applied with
every refusal recorded in the access log (an event of its own, never on the case)."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tasking.domain.access import AccessRefusal
from tasking.domain.ids import user_id
from tasking.domain.permissions import SYSTEM, SYSTEM_ACTOR, Actor, Forbidden, Unidentified, check, check_case
from tasking.domain.user import User
from tasking.errors import DomainError, NotFound
from tasking.store.repository import TaskingRepository
from tasking.time.instants import utcnow


class Acting:
    """The acting-user half of `TaskingApp` (it gives `repository`, `config`, `log_access`)."""

    repository: TaskingRepository
    config: Any  # the partnership's configuration (a cached property of the app)
    fast_forward_users: bool
    _users: dict[str, User]
    _acting: dict[str, User] | None

    def is_initialised(self) -> bool:
        raise NotImplementedError

    def log_access(self, *entries: Any) -> None:
        raise NotImplementedError

    def get_user(self, login: str | None, field: str = "user") -> User:
        if not login:
            raise DomainError(field, "an acting user is required; pass --user ID or set TASKING_USER")
        acting = self._acting
        if acting is not None and login in acting:
            return acting[login]
        found = self._get_user(login, field)
        if acting is not None:
            acting[login] = found
        return found

    def _get_user(self, login: str, field: str) -> User:
        found = self._users.get(login)
        if found is not None and not self.fast_forward_users:
            return found
        # A user's role can change and a user can be deactivated: the repository keeps users and
        # fast-forwards them with any events recorded since (by any process).
        self.config  # noqa: B018 - an uninitialised store is the clearer error
        try:
            found = self.repository.get(user_id(login))
        except AggregateNotFoundError:
            raise NotFound(field, f"unknown user {login!r}") from None
        self._users[login] = found
        return found

    def actor(self, login: str | None, action: str | None = None) -> Actor:
        """Who acts, for the permission rules: a stored user (or the scheduler's `system`). A missing
        or unknown user is refused, and the refusal is recorded in the access log (issue 21, 19)."""
        if login == SYSTEM:
            return SYSTEM_ACTOR
        try:
            user = self.get_user(login)
        except DomainError as exc:
            if not self.is_initialised():
                raise  # the store's own error is the clearer one
            self.log_access(
                AccessRefusal(
                    action=action or "-",
                    case=None,
                    role="-",
                    rule=exc.rule,
                    user=login or "-",
                    agency=None,
                    at=utcnow(),
                )
            )
            raise Unidentified(exc.field, exc.rule) from None
        return Actor(login=user.login, agency=user.member_of, role=user.role, active=user.active)

    def refuse(self, actor: Actor, action: str, rule: str, case: str | None = None) -> Forbidden:
        """Record a refusal in the access log (an event of its own, never on the case) and return
        the `Forbidden` to raise."""
        refused = Forbidden(actor.role, action, rule, case)
        self._record_refusal(actor, action, refused)
        return refused

    def _record_refusal(self, actor: Actor, action: str, refused: Forbidden) -> None:
        self.log_access(
            AccessRefusal(
                action=action,
                case=refused.case,
                role=actor.role,
                rule=refused.rule,
                user=actor.login,
                agency=actor.agency,
                at=utcnow(),
            )
        )

    def authorize(self, actor: Actor, action: str, case: str | None = None, own: bool | None = None) -> str:
        """The actor's scope for the action (and, given `own`, for this case); a refusal is recorded
        as an event of its own (never on the case) and raised as `Forbidden`."""
        try:
            found = check(actor, action)
            if own is not None and case is not None:
                check_case(actor, action, case, own)
        except Forbidden as exc:
            exc.case = case
            self._record_refusal(actor, action, exc)
            raise
        return found
