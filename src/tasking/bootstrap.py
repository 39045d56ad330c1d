"""The one composition root: it opens what the settings (`tasking.settings`) name, the app and its views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tasking.settings import DEFAULT_STORE, Settings, cipher_env, postgres_env, redact
from tasking.store.application import TaskingApp
from tasking.errors import DomainError
from tasking.queries.point import Reader, ReadPoint, resolve_position
from tasking.files import private_sqlite

if TYPE_CHECKING:
    from tasking.projections.runner import Views
    from tasking.store.keys import KeyStore

# The settings are re-exported: the CLI, the web and the tests build a store from here.
__all__ = ["DEFAULT_STORE", "Services", "Settings", "bootstrap", "cipher_env", "postgres_env", "redact"]


def check_cipher(app: TaskingApp, label: str) -> None:
    """Decode the first stored event, so that a missing or wrong `TASKING_CIPHER_KEY` is one line."""
    try:
        first = app.recorder.select_notifications(None, 1)
    except Exception:  # noqa: BLE001 - no tables yet: nothing to decode
        return
    if not first:
        return
    try:
        app.mapper.to_domain_event(first[0])
    except Exception:  # noqa: BLE001 - ciphertext read as JSON, or a tag that does not match the key
        rule = (
            "its events do not decrypt with TASKING_CIPHER_KEY (a wrong key, or a store that is not encrypted)"
            if app.mapper.cipher is not None
            else "its events are encrypted; set TASKING_CIPHER_KEY"
        )
        raise DomainError("store", f"{label}: {rule}") from None


def check_postgres(url: str, env: dict[str, str]) -> None:
    """Connect once, quickly, so that a wrong host, password or database is a one-line error."""
    import psycopg

    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=5,
            autocommit=True,
        ) as conn:
            if env.get("POSTGRES_SCHEMA"):
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{env["POSTGRES_SCHEMA"]}"')
    except psycopg.Error as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else type(exc).__name__
        raise DomainError("store", f"cannot connect to {redact(url)}: {reason}") from None


def open_keys(settings: Settings, env: dict[str, str], create_tables: bool = False) -> KeyStore:
    """The key store beside the events: a file of its own on SQLite, a table of its own on PostgreSQL."""
    from tasking.store.key_backends import PostgresKeyStore, SqliteKeyStore
    from tasking.store.keys import keys_path

    if settings.is_postgres:
        return PostgresKeyStore(env, settings.kek_path, create=create_tables)
    return SqliteKeyStore(keys_path(settings.store), settings.kek_path)


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


def bootstrap(
    settings: Settings | None = None, create_tables: bool = False, batching: bool = False, keys: KeyStore | None = None
) -> Services:
    """Build the app and its views. On PostgreSQL, `create_tables` is for `tasking init` alone.

    `batching` builds a `BatchingApp` for bulk paths: same handlers, one save per batch.
    `keys`: a key store already open (`open_keys`), shared by the apps of one web pool, which
    opens it once and closes it; by default each app opens its own and closes it with itself.
    """
    settings = settings or Settings.from_env()
    if not settings.is_postgres:
        parent = Path(settings.store).resolve().parent
        if not parent.is_dir():
            raise DomainError("store", f"folder {parent} does not exist")
        if not create_tables and not Path(settings.store).exists():
            # Only `init`, `demo` and a copy's target create a store; a typo must not make an empty one.
            raise DomainError("store", f"{settings.store} does not exist; run `tasking init` (or `tasking demo`) first")
    env = settings.event_store_env(create_tables)
    if not settings.is_postgres:
        private_sqlite(settings.store)  # owner-only before the library creates or opens it
    if settings.is_postgres:
        check_postgres(settings.store, env)
    try:
        app_class = TaskingApp
        if batching:
            from tasking.store.batch import BatchingApp

            app_class = BatchingApp
        app = app_class(
            env=env, store_label=redact(settings.store), keys=keys or open_keys(settings, env, create_tables)
        )
        check_cipher(app, redact(settings.store))
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection and auth failures become one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DomainError("store", f"cannot open {redact(settings.store)}: {first}") from None
    return Services(settings=settings, app=app, owns_keys=keys is None)
