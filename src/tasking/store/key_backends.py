"""The key store on SQLite (a file of its own beside the store) and on PostgreSQL (a table)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from tasking.files import SQLITE_COMPANIONS, exclusive_lock, private_sqlite, refuse_if_others_can_read
from tasking.store.keys import KeyStore
from tasking.store.postgres_args import connect_args


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
            **connect_args(env),
            connect_timeout=10,
            autocommit=True,
        )
        schema = env.get("POSTGRES_SCHEMA")
        if schema:
            self._conn.execute(f'SET search_path TO "{schema}"')
        # Only `init` (or a copy's target) creates it, as the event tables: concurrent DDL fails.
        exists = self._conn.execute("SELECT to_regclass('tasking_keys'), to_regclass('tasking_kek')").fetchone()
        if create or exists is None or None in exists:
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
