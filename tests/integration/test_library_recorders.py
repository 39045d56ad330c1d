"""The eventsourcing library's own recorder test cases, run against the project's chained recorders on
both backends (subclassed, as the library's own SQLite and PostgreSQL suites do): insert and select,
conflicts, notifications, concurrent writers through one shared recorder, throughput. After each test,
every recorder it made still verifies: each row it holds has its link, and the chain is unbroken.
(`AggregateRecorderTestCase` is for aggregate recorders: the library's own application recorders do not
pass it either, since `insert_events([])` returns [] rather than None; its cases are in this one.)"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from tasking.store.chain import ChainedSQLiteRecorder
from tasking.store.chain_pg import ChainedPostgresRecorder
from tests.conftest import NO_POSTGRES, POSTGRES_URL, _drop_schema


class VerifiedAfter:
    """After each test, every recorder the test made verifies; then its store is dropped."""

    recorders: list[Any]

    def drop(self) -> None:
        raise NotImplementedError

    def tearDown(self) -> None:
        try:
            for recorder in self.recorders:
                verdict = recorder.verify()
                self.assertTrue(verdict.ok, verdict.as_json())  # type: ignore[attr-defined]
        finally:
            self.drop()
            self.recorders.clear()
            super().tearDown()  # type: ignore[misc]


class ChainedSQLite(VerifiedAfter):
    """A new SQLite file per test, a chained recorder over it, and the chain checked afterwards."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.folder = Path(tempfile.mkdtemp(prefix="tasking-recorder-"))
        self.recorders: list[Any] = []

    def create_recorder(self) -> ChainedSQLiteRecorder:
        datastore = SQLiteDatastore(str(self.folder / "store.db"), lock_timeout=60, pool_size=10, max_overflow=10)
        recorder = ChainedSQLiteRecorder(datastore)
        recorder.create_table()
        self.recorders.append(recorder)
        return recorder

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class ChainedPostgres(VerifiedAfter):
    """A new PostgreSQL schema per test, a chained recorder over it (with the database function the
    application uses), and the chain checked afterwards."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        if not POSTGRES_URL:
            self.skipTest(NO_POSTGRES)  # type: ignore[attr-defined]
        import psycopg

        self.schema = f"r_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        self.recorders: list[Any] = []

    def create_recorder(self) -> ChainedPostgresRecorder:
        parts = urlsplit(POSTGRES_URL)
        datastore = PostgresDatastore(
            unquote(parts.path.strip("/")),
            parts.hostname or "localhost",
            parts.port or 5432,
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            schema=self.schema,
            pool_size=2,
            max_overflow=6,
            enable_db_functions=True,
        )
        recorder = ChainedPostgresRecorder(datastore)
        recorder.create_table()
        self.recorders.append(recorder)
        return recorder

    def drop(self) -> None:
        for recorder in self.recorders:
            recorder.datastore.close()
        _drop_schema(self.schema)


class TestChainedSQLiteAsApplicationRecorder(ChainedSQLite, ApplicationRecorderTestCase):
    pass


class TestChainedSQLiteNonInterleaving(ChainedSQLite, NonInterleavingNotificationIDsBaseCase):
    insert_num = 1000


class TestChainedPostgresAsApplicationRecorder(ChainedPostgres, ApplicationRecorderTestCase):
    pass


class TestChainedPostgresNonInterleaving(ChainedPostgres, NonInterleavingNotificationIDsBaseCase):
    insert_num = 1000


del ApplicationRecorderTestCase, NonInterleavingNotificationIDsBaseCase
