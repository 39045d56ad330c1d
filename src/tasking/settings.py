"""Where the store and the views are, read from flags and env, and the event store's env built from them.

The composition root (`tasking.bootstrap`) opens what these settings name; nothing here opens anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tasking.errors import DomainError

DEFAULT_STORE = "tasking.db"


@dataclass(frozen=True)
class Settings:
    store: str = DEFAULT_STORE
    views: str | None = None
    kek: str | None = None

    @classmethod
    def from_env(cls, store: str | None = None, views: str | None = None) -> Settings:
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
        return {
            **cipher_env(),
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


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
