"""The key store: one AES-256-GCM key per person and per case, kept apart from the events.

Destroying a key erases what was encrypted with it (crypto-shredding): the events stay, with
their figures and attribution, but their personal details and free text can no longer be read.

- On SQLite the keys live in a file of their own next to the store (`tasking.keys.db` beside
  `tasking.db`), with `secure_delete` on, so a destroyed key's bytes are zeroed, not left in free
  pages (in WAL mode, as the store: the WAL is checkpointed and emptied after a destruction);
  on PostgreSQL in a table of their own (`tasking_keys`), vacuumed after a destruction.
- A destroyed key leaves a tombstone row (owner, when, why): a new key is never made for it.
- A value is sealed as a token, `enc:v1:<owner id>:<field>:<base64 nonce+ciphertext>`, with a
  random 96-bit nonce, and the owner id and field as associated data: a token moved to another
  owner or field, or edited, does not decrypt.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tasking.domain.errors import DomainError
from tasking.files import SQLITE_COMPANIONS, private_sqlite, refuse_if_others_can_read

PREFIX = "enc:v1:"
ERASED = "[erased]"
UNREADABLE = "[unreadable]"


def keys_path(store: str) -> str:
    """The key store file beside a SQLite event store: `x.db` -> `x.keys.db`."""
    path = Path(store)
    return str(path.with_name(path.stem + ".keys" + (path.suffix or ".db")))


class KeyStore:
    """Keys by owner id (text). Subclasses give the connection and the SQL dialect."""

    placeholder = "?"

    def __init__(self) -> None:
        # None: destroyed; bytes: a key read but not used yet (made into a cipher on first use)
        self._ciphers: dict[str, AESGCM | bytes | None] = {}
        self._loaded = False
        self._misses = 0
        self.destroyed = 0  # keys destroyed through this store: kept plaintext must be dropped

    # --- storage, per backend ----------------------------------------------------------------

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        raise NotImplementedError

    def _after_destroy(self) -> None:
        """Make the destroyed key's bytes unrecoverable from the database files."""

    def close(self) -> None:
        pass

    # --- keys -------------------------------------------------------------------------------

    def _load_all(self) -> None:
        for owner, key in self._execute("SELECT owner, key FROM tasking_keys"):
            self._ciphers[owner] = bytes(key) if key is not None else None  # a read of many uses few
        self._loaded = True

    def _cipher(self, owner: str) -> AESGCM | None:
        """The owner's cipher; None when destroyed; KeyError when it never had a key. Keys are read
        one by one for a few owners, all at once for a read that needs many (a briefing, stats)."""
        found = self._ciphers.get(owner, self)
        if found is self:
            self._misses += 1
            if not self._loaded and self._misses > 32:
                self._load_all()
            else:
                self._read([owner])
            found = self._ciphers[owner]
        if type(found) is bytes:
            found = self._ciphers[owner] = AESGCM(found)
        return found  # type: ignore[return-value]

    def _read(self, owners: list[str]) -> None:
        """Read these owners' rows into the cache (in chunks)."""
        for i in range(0, len(owners), 500):
            chunk = owners[i:i + 500]
            marks = ", ".join([self.placeholder] * len(chunk))
            for owner, key in self._execute(f"SELECT owner, key FROM tasking_keys WHERE owner IN ({marks})", chunk):
                self._ciphers[owner] = AESGCM(bytes(key)) if key is not None else None

    def ensure(self, owners: Iterable[Any]) -> None:
        """Make a key for each owner that has none (one transaction); a destroyed key stays destroyed.
        A key another process made first is kept: the stored row is read back."""
        missing = sorted({str(owner) for owner in owners} - self._ciphers.keys())
        if missing and not self._loaded:
            self._read(missing)
            missing = [owner for owner in missing if owner not in self._ciphers]
        if not missing:
            return
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        self._insert_many([(owner, AESGCM.generate_key(bit_length=256), now) for owner in missing])
        self._read(missing)

    def is_destroyed(self, owner: Any) -> bool:
        try:
            return self._cipher(str(owner)) is None
        except KeyError:
            return False

    def destroy(self, owners: Iterable[Any], reason: str) -> list[str]:
        """Destroy the owners' keys (tombstones kept); returns those destroyed now."""
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        destroyed, p = [], self.placeholder
        for owner in sorted({str(o) for o in owners}):
            if self.is_destroyed(owner):
                continue
            self._execute(f"DELETE FROM tasking_keys WHERE owner = {p}", (owner,))
            self._execute(f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                          f"VALUES ({p}, NULL, {p}, {p}, {p})", (owner, now, now, reason))
            self._ciphers[owner] = None
            destroyed.append(owner)
            self.destroyed += 1
        if destroyed:
            self._after_destroy()
        return destroyed

    def export(self) -> list[tuple[str, bytes | None, str, str | None, str | None]]:
        """Every row, for a store copy."""
        return [(o, bytes(k) if k is not None else None, c, d, r) for o, k, c, d, r in
                self._execute("SELECT owner, key, created_at, destroyed_at, reason FROM tasking_keys ORDER BY owner")]

    def import_rows(self, rows: list[tuple[str, bytes | None, str, str | None, str | None]]) -> None:
        p = self.placeholder
        for row in rows:
            self._execute(f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                          f"VALUES ({p}, {p}, {p}, {p}, {p})", row)
        self._ciphers.clear()
        self._loaded = False

    # --- values -----------------------------------------------------------------------------

    def seal(self, owner: Any, field: str, value: str | None) -> str | None:
        """Encrypt one value of an owner's field as a token (None stays None)."""
        if value is None:
            return None
        owner = str(owner)
        try:
            cipher = self._cipher(owner)
        except KeyError:
            self.ensure([owner])
            cipher = self._cipher(owner)
        if cipher is None:
            raise DomainError(field, "the details this would add to were erased; nothing can be added to them")
        nonce = os.urandom(12)
        sealed = cipher.encrypt(nonce, value.encode("utf-8"), f"{owner}:{field}".encode())
        return f"{PREFIX}{owner}:{field}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def reveal(self, value: Any, owner: Any = None) -> Any:
        """The plaintext of a token; `[erased]` when its key was destroyed; anything else as it is
        (values stored before encryption are plaintext). With `owner`, a token of another owner is
        `[unreadable]`."""
        if type(value) is not str or not value.startswith(PREFIX):
            return value
        try:
            token_owner, field, data = value[len(PREFIX):].split(":", 2)
            UUID(token_owner)
        except ValueError:
            return value  # text that merely starts like a token
        if owner is not None and str(owner) != token_owner:
            return UNREADABLE
        try:
            cipher = self._cipher(token_owner)
        except KeyError:
            return UNREADABLE
        if cipher is None:
            return ERASED
        try:
            raw = base64.urlsafe_b64decode(data)
            return cipher.decrypt(raw[:12], raw[12:], f"{token_owner}:{field}".encode()).decode("utf-8")
        except (InvalidTag, ValueError):
            return UNREADABLE


class SqliteKeyStore(KeyStore):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        refuse_if_others_can_read(path, "keys", SQLITE_COMPANIONS)
        private_sqlite(path)
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
        self._conn.execute("PRAGMA secure_delete = ON")
        # WAL, as the event store: one fsync per new key (a rollback journal took three, and a new
        # key is made with every new case). Durable on return (synchronous FULL), before its events.
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS tasking_keys (owner TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, "
            "destroyed_at TEXT, reason TEXT)")

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany("INSERT OR IGNORE INTO tasking_keys (owner, key, created_at) VALUES (?, ?, ?)", rows)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def _after_destroy(self) -> None:
        self._conn.execute("VACUUM")
        # Page images written before (the key's own included) may sit in the WAL: fold it into the
        # zeroed file and empty it.
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._conn.close()


class PostgresKeyStore(KeyStore):
    placeholder = "%s"

    def __init__(self, env: dict[str, str], create: bool = False) -> None:
        import psycopg

        super().__init__()
        self._conn = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, connect_timeout=10, autocommit=True)
        schema = env.get("POSTGRES_SCHEMA")
        if schema:
            self._conn.execute(f'SET search_path TO "{schema}"')
        # Only `init` (or a copy's target) creates it, as the event tables: concurrent DDL fails.
        exists = self._conn.execute("SELECT to_regclass('tasking_keys')").fetchone()[0]
        if create or exists is None:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS tasking_keys (owner TEXT PRIMARY KEY, key BYTEA, "
                "created_at TEXT NOT NULL, destroyed_at TEXT, reason TEXT)")

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._conn.execute(sql, tuple(params))
        return cursor.fetchall() if cursor.description else []

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        with self._conn.transaction(), self._conn.cursor() as cursor:
            cursor.executemany("INSERT INTO tasking_keys (owner, key, created_at) VALUES (%s, %s, %s) "
                               "ON CONFLICT (owner) DO NOTHING", rows)

    def _after_destroy(self) -> None:
        self._conn.execute("VACUUM tasking_keys")

    def close(self) -> None:
        self._conn.close()
