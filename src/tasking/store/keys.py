"""The key store: one AES-256-GCM key per person and per case, kept apart from the events.

Destroying a key erases what was encrypted with it (crypto-shredding): the events stay, with
their figures and attribution, but their personal details and free text can no longer be read.

- On SQLite the keys live in a file of their own next to the store (`tasking.keys.db` beside
  `tasking.db`), with `secure_delete` on, so a destroyed key's bytes are zeroed, not left in free
  pages (in WAL mode, as the store: the WAL is checkpointed and emptied after a destruction);
  on PostgreSQL in a table of their own (`tasking_keys`), vacuumed after a destruction.
- A destroyed key leaves a tombstone row (owner, when, why): a new key is never made for it.
- Every key is stored wrapped (AES key wrap) with a key-encryption key kept outside the database
  (`tasking.store.kek`), rotated by the nightly retention job and `person erase --now`: a destroyed
  key left in a WAL, a free page or a backup cannot be unwrapped after the next rotation. A store
  whose keys were stored bare (before this) has them wrapped when it is first opened.
- A value is sealed as a token, `enc:v1:<owner id>:<field>:<base64 nonce+ciphertext>`, with a
  random 96-bit nonce, and the owner id and field as associated data: a token moved to another
  owner or field, or edited, does not decrypt.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from tasking.errors import DomainError
from tasking.files import SQLITE_COMPANIONS, exclusive_lock, private_sqlite, refuse_if_others_can_read
from tasking.store.kek import KekFile

PREFIX = "enc:v1:"
ERASED = "[erased]"
UNREADABLE = "[unreadable]"


BARE = 32  # a key stored before wrapping: 32 bytes; wrapped, it is 40


def kek_path(store: str) -> str:
    """The key-encryption key beside a SQLite event store: `x.db` -> `x.kek`."""
    path = Path(store)
    return str(path.with_name(path.stem + ".kek"))


def keys_path(store: str) -> str:
    """The key store file beside a SQLite event store: `x.db` -> `x.keys.db`."""
    path = Path(store)
    return str(path.with_name(path.stem + ".keys" + (path.suffix or ".db")))


class KeyStore:
    """Keys by owner id (text). Subclasses give the connection and the SQL dialect."""

    placeholder = "?"

    def __init__(self, kek: str) -> None:
        self.kek = KekFile(kek)
        self.kek.check_private()
        self._kek_id: str | None = None
        self._kek = b""
        # None: destroyed; bytes: a key read but not used yet (made into a cipher on first use)
        self._ciphers: dict[str, AESGCM | bytes | None] = {}
        self._loaded = False
        self._misses = 0
        self.destroyed = 0  # keys destroyed through this store: kept plaintext must be dropped
        # One connection, possibly shared by the threads of a web pool: each statement, and each
        # transaction as a whole, holds this lock (re-entrant: a transaction's statements take it again).
        self._lock = threading.RLock()

    # --- storage, per backend ----------------------------------------------------------------

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        raise NotImplementedError

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        """One write transaction that excludes every other writer of the key store."""
        raise NotImplementedError

    def _rotation_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held for a whole rotation, past its commit, while the KEK files change."""
        raise NotImplementedError

    def _update_many(self, rows: list[tuple[bytes, str]]) -> None:
        p = self.placeholder
        for key, owner in rows:
            # Never onto a tombstone: a key destroyed meanwhile stays destroyed.
            self._execute(f"UPDATE tasking_keys SET key = {p} WHERE owner = {p} AND key IS NOT NULL", (key, owner))

    def _after_destroy(self) -> None:
        """Make the destroyed key's bytes unrecoverable from the database files."""

    def close(self) -> None:
        pass

    # --- the key-encryption key -------------------------------------------------------------

    def _stored_kek_id(self) -> str | None:
        found = self._execute("SELECT id FROM tasking_kek")
        return found[0][0] if found else None

    def _set_kek_id(self, kek_id: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        self._execute("DELETE FROM tasking_kek")
        self._execute(
            f"INSERT INTO tasking_kek (id, rotated_at) VALUES ({self.placeholder}, {self.placeholder})", (kek_id, now)
        )

    def _use_kek(self, kek_id: str) -> None:
        if kek_id != self._kek_id:
            self._kek, self._kek_id = self.kek.find(kek_id), kek_id

    def _open_kek(self) -> None:
        """Load the KEK the store names; on a new store, or one whose keys are bare, make the KEK file
        and wrap every key, in one transaction (the bare keys are then vacuumed away)."""
        kek_id = self._stored_kek_id()
        if kek_id is not None:
            self._use_kek(kek_id)
            return
        with self._transaction():
            kek_id = self._stored_kek_id()
            if kek_id is not None:  # another process got here first
                self._use_kek(kek_id)
                return
            self._kek_id, self._kek = self.kek.create()
            bare = [
                (self._wrap(bytes(key)), owner)
                for owner, key in self._execute("SELECT owner, key FROM tasking_keys WHERE key IS NOT NULL")
                if len(key) == BARE
            ]
            self._update_many(bare)
            self._set_kek_id(self._kek_id)
        if bare:
            self._after_destroy()

    def _wrap(self, key: bytes) -> bytes:
        return aes_key_wrap(self._kek, key)

    def _unwrap(self, stored: bytes) -> bytes:
        stored = bytes(stored)
        if len(stored) == BARE:
            return stored
        try:
            return aes_key_unwrap(self._kek, stored)
        except InvalidUnwrap:  # rotated by another process since this one read the KEK
            kek_id = self._stored_kek_id()
            if kek_id is None or kek_id == self._kek_id:
                raise
            self._use_kek(kek_id)
            return aes_key_unwrap(self._kek, stored)

    def rotate(self) -> str:
        """Wrap every live key with a new KEK, then destroy the old KEK file; returns the new KEK's id.
        From then on a key destroyed before, wherever its wrapped bytes linger, cannot be unwrapped."""
        with self._rotation_lock():
            kek_id = self._stored_kek_id()
            found = self.kek.read(self.kek.next)
            if found is not None and found[0] == kek_id:  # a rotation committed, then stopped
                self.kek.promote()
            else:
                self.kek.discard_next()
            new_id, new_key = self.kek.write_next()
            with self._transaction():
                self._use_kek(self._stored_kek_id() or "")
                live = [
                    (owner, self._unwrap(key))
                    for owner, key in self._execute("SELECT owner, key FROM tasking_keys WHERE key IS NOT NULL")
                ]
                self._update_many([(aes_key_wrap(new_key, key), owner) for owner, key in live])
                self._set_kek_id(new_id)
            self.kek.promote()
            self._kek_id, self._kek = new_id, new_key
        self._after_destroy()
        return new_id

    def rotate_if_destroyed(self) -> str | None:
        """Rotate when a key was destroyed since the last rotation (the nightly retention job); else
        nothing is written. Returns the new KEK's id, or None."""
        p = self.placeholder
        found = self._execute(
            f"SELECT 1 FROM tasking_keys WHERE destroyed_at > (SELECT MAX(rotated_at) FROM tasking_kek) LIMIT {p}", (1,)
        )
        return self.rotate() if found else None

    # --- keys -------------------------------------------------------------------------------

    def _load_all(self) -> None:
        for owner, key in self._execute("SELECT owner, key FROM tasking_keys"):
            self._ciphers[owner] = key if key is None else self._unwrap(key)  # a read of many uses few
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
            chunk = owners[i : i + 500]
            marks = ", ".join([self.placeholder] * len(chunk))
            for owner, key in self._execute(f"SELECT owner, key FROM tasking_keys WHERE owner IN ({marks})", chunk):
                self._ciphers[owner] = AESGCM(self._unwrap(key)) if key is not None else None

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
        made = [(owner, AESGCM.generate_key(bit_length=256), now) for owner in missing]
        with self._transaction():  # wrapped with the KEK the store names now, not one rotated away
            self._use_kek(self._stored_kek_id() or "")
            self._insert_many([(owner, self._wrap(key), at) for owner, key, at in made])
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
            with self._transaction():  # not interleaved with a rotation's re-wrapping
                self._execute(f"DELETE FROM tasking_keys WHERE owner = {p}", (owner,))
                self._execute(
                    f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                    f"VALUES ({p}, NULL, {p}, {p}, {p})",
                    (owner, now, now, reason),
                )
            self._ciphers[owner] = None
            destroyed.append(owner)
            self.destroyed += 1
        if destroyed:
            self._after_destroy()
        return destroyed

    def export(self) -> list[tuple[str, bytes | None, str, str | None, str | None]]:
        """Every row, keys unwrapped, for a store copy (which wraps them with its own KEK)."""
        return [
            (o, self._unwrap(k) if k is not None else None, c, d, r)
            for o, k, c, d, r in self._execute(
                "SELECT owner, key, created_at, destroyed_at, reason FROM tasking_keys ORDER BY owner"
            )
        ]

    def import_rows(self, rows: list[tuple[str, bytes | None, str, str | None, str | None]]) -> None:
        p = self.placeholder
        with self._transaction():
            self._use_kek(self._stored_kek_id() or "")
            for owner, key, *rest in rows:
                self._execute(
                    f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                    f"VALUES ({p}, {p}, {p}, {p}, {p})",
                    (owner, key if key is None else self._wrap(key), *rest),
                )
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
            token_owner, field, data = value[len(PREFIX) :].split(":", 2)
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


def tables_sql(blob: str) -> list[str]:
    """The keys (wrapped; NULL once destroyed) and the id of the KEK that wraps them."""
    return [
        f"CREATE TABLE IF NOT EXISTS tasking_keys (owner TEXT PRIMARY KEY, key {blob}, created_at TEXT NOT NULL, "
        "destroyed_at TEXT, reason TEXT)",
        "CREATE TABLE IF NOT EXISTS tasking_kek (id TEXT NOT NULL, rotated_at TEXT NOT NULL)",
    ]


class SqliteKeyStore(KeyStore):
    def __init__(self, path: str, kek: str) -> None:
        super().__init__(kek)
        self.path = path
        refuse_if_others_can_read(path, "keys", SQLITE_COMPANIONS)
        private_sqlite(path)
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
        self._conn.execute("PRAGMA secure_delete = ON")
        # WAL, as the event store: one fsync per new key (a rollback journal took three, and a new
        # key is made with every new case). Durable on return (synchronous FULL), before its events.
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        for sql in tables_sql("BLOB"):
            self._conn.execute(sql)
        self._open_kek()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _rotation_lock(self) -> contextlib.AbstractContextManager[None]:
        return exclusive_lock(self.path + ".rotate.lock")

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        with self._lock:
            self._conn.executemany("INSERT OR IGNORE INTO tasking_keys (owner, key, created_at) VALUES (?, ?, ?)", rows)

    def _after_destroy(self) -> None:
        with self._lock:
            self._conn.execute("VACUUM")
            # Page images written before (the key's own included) may sit in the WAL: fold it into the
            # zeroed file and empty it.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._conn.close()


KEYS_LOCK = 0x7461736B6B657973  # advisory lock ids: "taskkeys", "taskrota"
ROTATION_LOCK = 0x7461736B726F7461


class PostgresKeyStore(KeyStore):
    placeholder = "%s"

    def __init__(self, env: dict[str, str], kek: str, create: bool = False) -> None:
        import psycopg

        super().__init__(kek)
        self._conn = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=10,
            autocommit=True,
        )
        schema = env.get("POSTGRES_SCHEMA")
        if schema:
            self._conn.execute(f'SET search_path TO "{schema}"')
        # Only `init` (or a copy's target) creates it, as the event tables: concurrent DDL fails.
        exists = self._conn.execute("SELECT to_regclass('tasking_keys'), to_regclass('tasking_kek')").fetchone()
        if create or None in exists:
            with self._transaction():  # serialised: concurrent DDL fails
                for sql in tables_sql("BYTEA"):
                    self._conn.execute(sql)
        self._open_kek()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock, self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (KEYS_LOCK,))
            yield

    @contextlib.contextmanager
    def _rotation_lock(self) -> Iterator[None]:
        with self._lock:
            self._conn.execute("SELECT pg_advisory_lock(%s)", (ROTATION_LOCK,))
            try:
                yield
            finally:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (ROTATION_LOCK,))

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            cursor = self._conn.execute(sql, tuple(params))
            return cursor.fetchall() if cursor.description else []

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        with self._lock, self._conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO tasking_keys (owner, key, created_at) VALUES (%s, %s, %s) ON CONFLICT (owner) DO NOTHING",
                rows,
            )

    def _after_destroy(self) -> None:
        with self._lock:
            self._conn.execute("VACUUM tasking_keys")

    def close(self) -> None:
        self._conn.close()
