"""The one composition root: settings from flags and env, then the app and its views."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tasking.store.application import TaskingApp
from tasking.domain.errors import DomainError
from tasking.queries.point import Reader, ReadPoint, resolve_position
from tasking.files import private_sqlite

DEFAULT_STORE = "tasking.db"


@dataclass(frozen=True)
class Settings:
    store: str = DEFAULT_STORE
    views: str | None = None
    kek: str | None = None

    @classmethod
    def from_env(cls, store: str | None = None, views: str | None = None) -> "Settings":
        return cls(
            store=store or os.environ.get("TASKING_STORE") or DEFAULT_STORE,
            views=views or os.environ.get("TASKING_VIEWS") or None,
        )

    @property
    def kek_path(self) -> str:
        """The key-encryption key's file (`tasking.store.kek`): `TASKING_KEK`, else beside a SQLite
        store (`tasking.kek` for `tasking.db`), else `$XDG_CONFIG_HOME/tasking/<server-db-schema>.kek`
        (every node of a PostgreSQL store must see the same file: set `TASKING_KEK` to a shared path)."""
        from tasking.store.keys import kek_path

        chosen = self.kek or os.environ.get("TASKING_KEK")
        if chosen:
            return chosen
        if not self.is_postgres:
            return kek_path(self.store)
        from tasking.files import private_folder

        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "tasking"
        private_folder(config)
        return str(config / (self._server_name() + ".kek"))

    def _server_name(self) -> str:
        parts = urlsplit(self.store)
        schema = parse_qs(parts.query).get("schema", [""])[0]
        return "-".join(part for part in (parts.hostname or "local", parts.path.strip("/"), schema) if part)

    @property
    def is_postgres(self) -> bool:
        return self.store.startswith(("postgresql://", "postgres://"))

    @property
    def views_path(self) -> str:
        if self.views:
            return self.views
        if self.is_postgres:
            return f"tasking-views-{self._server_name()}.db"
        path = Path(self.store)
        return str(path.with_name(path.stem + ".views" + (path.suffix or ".db")))

    def event_store_env(self, create_tables: bool = False) -> dict[str, str]:
        if self.is_postgres:
            # Only `tasking init` creates tables and functions: concurrent DDL from many
            # processes starting at once makes PostgreSQL fail with "tuple concurrently updated".
            return {**postgres_env(self.store), "CREATE_TABLE": "y" if create_tables else "n", **cipher_env()}
        return {**cipher_env(),
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": self.store,
            "SQLITE_LOCK_TIMEOUT": "60",
            # Every stored event is chained in the transaction that stores it (tasking.store.chain).
            "APPLICATION_RECORDER_TOPIC": "tasking.store.chain:ChainedSQLiteRecorder",
        }


def cipher_env() -> dict[str, str]:
    """Whole-store encryption at rest through the library's cipher, when `TASKING_CIPHER_KEY` is set."""
    key = os.environ.get("TASKING_CIPHER_KEY", "").strip()
    if not key:
        return {}
    import base64
    import binascii

    try:
        size = len(base64.b64decode(key, validate=True))
    except (binascii.Error, ValueError):
        size = 0
    if size not in (16, 24, 32):
        raise DomainError("TASKING_CIPHER_KEY", "must be a base64 AES key of 16, 24 or 32 bytes")
    return {"CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": key}


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
        rule = ("its events do not decrypt with TASKING_CIPHER_KEY (a wrong key, or a store that is not encrypted)"
                if app.mapper.cipher is not None else "its events are encrypted; set TASKING_CIPHER_KEY")
        raise DomainError("store", f"{label}: {rule}") from None


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if not parts.path.strip("/"):
        raise DomainError("store", f"{redact(url)} names no database; use postgresql://user@host:port/dbname")
    schema = parse_qs(parts.query).get("schema", [""])[0]
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("PGUSER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or os.environ.get("PGPASSWORD", "")),
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        "APPLICATION_RECORDER_TOPIC": "tasking.store.chain_pg:ChainedPostgresRecorder",
    }
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env


def check_postgres(url: str, env: dict[str, str]) -> None:
    """Connect once, quickly, so that a wrong host, password or database is a one-line error."""
    import psycopg

    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, connect_timeout=5,
            autocommit=True,
        ) as conn:
            if env.get("POSTGRES_SCHEMA"):
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{env["POSTGRES_SCHEMA"]}"')
    except psycopg.Error as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else type(exc).__name__
        raise DomainError("store", f"cannot connect to {redact(url)}: {reason}") from None


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def open_keys(settings: Settings, env: dict[str, str], create_tables: bool = False):  # type: ignore[no-untyped-def]
    """The key store beside the events: a file of its own on SQLite, a table of its own on PostgreSQL."""
    from tasking.store.keys import PostgresKeyStore, SqliteKeyStore, keys_path

    if settings.is_postgres:
        return PostgresKeyStore(env, settings.kek_path, create=create_tables)
    return SqliteKeyStore(keys_path(settings.store), settings.kek_path)


@dataclass
class Services:
    settings: Settings
    app: TaskingApp
    _views: object | None = field(default=None, repr=False)
    owns_keys: bool = True  # False: the key store is shared (a web pool's) and closed by its owner

    def open_views(self):  # type: ignore[no-untyped-def]
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

    def read(self, at: dt.datetime | None = None, as_of: dt.datetime | None = None,
             position: int | None = None, *, user: str | None = None, action: str | None = None,
             shared: bool = False, case: str | None = None) -> Reader:
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

            print(f"warning: views {self.settings.views_path} fail their check ({'; '.join(problems)}); rebuilding them",
                  file=sys.stderr, flush=True)
            views.rebuild(self.app)
        return problems

    def views_warnings(self) -> list[str]:
        """What a briefing and a pack must say about the views (the last verify's failure, if any)."""
        from tasking.projections.health import warnings

        return warnings(self.settings.views_path)

    def close(self) -> None:
        if self._views is not None:
            self._views.close()  # type: ignore[attr-defined]
        self.app.close()
        if self.app.keys is not None and self.owns_keys:
            self.app.keys.close()


def bootstrap(settings: Settings | None = None, create_tables: bool = False, batching: bool = False,
              keys: object | None = None) -> Services:
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
        app = app_class(env=env, store_label=redact(settings.store), keys=keys or open_keys(settings, env, create_tables))
        check_cipher(app, redact(settings.store))
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection and auth failures become one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DomainError("store", f"cannot open {redact(settings.store)}: {first}") from None
    return Services(settings=settings, app=app, owns_keys=keys is None)
