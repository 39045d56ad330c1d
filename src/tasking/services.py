"""What the composition root (`tasking.bootstrap`) hands to the CLI, the web and the scheduler: the
app with its read models, and the one way to read (`read`: the permission check, the catch-up,
then the point every query of the read answers at)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tasking.queries.point import Reader, ReadPoint, resolve_position
from tasking.settings import Settings
from tasking.store.application import TaskingApp

if TYPE_CHECKING:
    from tasking.projections.runner import Views


@dataclass
class Services:
    settings: Settings
    app: TaskingApp
    _views: Views | None = field(default=None, repr=False)
    owns_keys: bool = True  # False: the key store is shared (a web pool's) and closed by its owner

    def open_views(self) -> Views:
        """The read models as they are: no catch-up (see `read` and `catch_up`)."""
        from tasking.projections.runner import Views

        if self._views is None:
            self.app.config  # noqa: B018 - an uninitialised store raises its clear error here
            self._views = Views(self.settings.views_path)
            # The views hold sealed tokens; the reads reveal them with the store's keys.
            self._views.db.keys = self.app.keys  # type: ignore[attr-defined]
        return self._views

    def catch_up(self) -> int:
        """Bring the read models up to date; returns how many events were applied."""
        return self.open_views().catch_up(self.app)

    def read(
        self,
        at: dt.datetime | None = None,
        as_of: dt.datetime | None = None,
        position: int | None = None,
        *,
        user: str | None = None,
        action: str | None = None,
        shared: bool = False,
        case: str | None = None,
    ) -> Reader:
        """Check that `user` may `action` (see `tasking.domain.permissions`), catch the views up,
        then fix the point every query of this read answers at.

        `at` is effective time (None: no bound); `as_of` or `position` is recorded time (None: all).
        `shared` reads as every partner sees it (restricted cases as outlines): the packs.
        `case` names the case a refusal is recorded against (`show`, `audit`). Every caller that
        serves a user (the CLI, the HTTP API) passes the `action` it serves; the queries that
        show one case, a list of cases or the briefing check their own action again.
        """
        actor = self.app.actor(user, action)
        if action is not None:
            self.app.authorize(actor, action, case.strip().upper() if case else None)
        self.catch_up()
        db = self.open_views().db
        point = ReadPoint(at=at, position=resolve_position(db, position=position, as_of=as_of))
        return Reader(db=db, config=self.app.config, point=point, app=self.app, actor=actor, shared=shared)

    def check_views(self) -> list[str]:
        """The cheap check of every `stats` run: each view holds the rows its running count says.
        Views that fail it are rebuilt, with a warning naming what was missing."""
        self.catch_up()
        views = self.open_views()
        problems = views.check()
        if problems:
            import sys

            print(
                f"warning: views {self.settings.views_path} fail their check ({'; '.join(problems)}); rebuilding them",
                file=sys.stderr,
                flush=True,
            )
            views.rebuild(self.app)
        return problems

    def views_warnings(self) -> list[str]:
        """What a briefing and a pack must say about the views (the last verify's failure, if any)."""
        from tasking.projections.health import warnings

        return warnings(self.settings.views_path)

    def close(self) -> None:
        if self._views is not None:
            self._views.close()
        self.app.close()
        if self.app.keys is not None and self.owns_keys:
            self.app.keys.close()
