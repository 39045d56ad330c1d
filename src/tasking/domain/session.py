"""A page session ended by signing out: the signed cookie alone no longer lets anyone in.

Its id is derived from the session's random id (never the token), so every worker finds it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate, event


class EndedSession(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        SignedOut: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(session: str, **_: Any) -> object:
        return uuid5(NAMESPACE_URL, f"/tasking/sessions/{session}")

    @event("SignedOut")
    def __init__(self, session: str, user: str, agency: str, at: dt.datetime) -> None:
        self.session = session
