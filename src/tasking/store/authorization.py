"""The application's authorisation: who acts (`actor`), whether the permission rule lets them
(`authorize`, `tasking.domain.permissions`), and every refusal recorded in the access log as an
event of its own, never on the case (`refuse`). Mixed into `TaskingApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasking.domain.access import AccessRefusal
from tasking.domain.permissions import SYSTEM, SYSTEM_ACTOR, Actor, Forbidden, Unidentified, check, check_case
from tasking.errors import DomainError
from tasking.time.instants import utcnow

if TYPE_CHECKING:
    from tasking.domain.user import User


class Authorizing:
    """The permission rule as the app applies it; the app gives the users and the access log."""

    if TYPE_CHECKING:

        def get_user(self, login: str | None, field: str = "user") -> User: ...

        def is_initialised(self) -> bool: ...

        def log_access(self, *entries: Any) -> None: ...

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
