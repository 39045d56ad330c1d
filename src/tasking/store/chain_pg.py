"""The hash chain on PostgreSQL (see `tasking.store.chain`): its own module, so SQLite never imports psycopg.

The library's recorder locks the events table in EXCLUSIVE mode before inserting, so writers are
serialised: reading the previous link under that lock is safe. Its database-function path inserts
in one statement with no room for the links, so this recorder always takes the transaction path
(lock, insert returning positions, read the head, write the links), in one round of statements.
A write chains only its own rows (from the genesis when the chain has no link); only a write that
passes `seal=True` (`tasking seal-chain`) re-chains every row, on the transaction path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor, Rollback
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from tasking.store.chain_links import GENESIS, PAGE, ChainError, Row, chain_table, links, new_rows
from tasking.store.chain_verify import Head, Verdict, verify


_UNREAD = object()


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = chain_table(events_table_name)
        self.check_identifier_length(self.chain_table)
        self._chain = Identifier(self.datastore.schema), Identifier(self.chain_table)
        self._events = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        self.create_chain_statement = SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (position bigint PRIMARY KEY, hash text NOT NULL)"
        ).format(*self._chain)
        self.sql_create_statements.append(self.create_chain_statement)
        self.select_head_statement = SQL("SELECT position, hash FROM {}.{} ORDER BY position DESC LIMIT 1").format(
            *self._chain
        )
        self._chain_ready = False
        # After the first write of a process (the Python path, which creates what is missing), writes go
        # through one database function: lock, insert, chain, in one statement. (v1 refused a chain with
        # no link; v2 starts from the genesis, as the Python path does, and seals nothing.)
        self.chain_function = f"tasking_insert_chained_v2_{self.datastore.originator_id_type}"
        self._function_ready = False
        function = Identifier(self.datastore.schema), Identifier(self.chain_function)
        self.create_function_statement = SQL(
            "CREATE OR REPLACE FUNCTION {}.{}(events {}.{}[]) RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "DECLARE previous bytea; ids bigint[]; r record; "
            "BEGIN "
            "  SET LOCAL lock_timeout = '{}s'; "
            "  LOCK TABLE {}.{} IN EXCLUSIVE MODE; "
            "  NOTIFY {}; "
            "  SELECT decode(hash, 'hex') INTO previous FROM {}.{} ORDER BY position DESC LIMIT 1; "
            "  previous := coalesce(previous, '\\x{}'::bytea); "
            "  WITH ins AS (INSERT INTO {}.{} (originator_id, originator_version, topic, state) "
            "    SELECT originator_id, originator_version, topic, state FROM unnest(events) RETURNING notification_id) "
            "    SELECT array_agg(notification_id ORDER BY notification_id) INTO ids FROM ins; "
            "  FOR r IN SELECT notification_id, replace(originator_id::text, '-', '') AS oid, originator_version, "
            "      convert_to(topic, 'UTF8') AS topic, state FROM {}.{} "
            "      WHERE notification_id = ANY(ids) ORDER BY notification_id LOOP "
            "    previous := sha256(previous || int8send(r.notification_id) || int8send(r.originator_version) "
            "      || int4send(octet_length(convert_to(r.oid, 'UTF8'))) || int4send(octet_length(r.topic)) "
            "      || int4send(octet_length(r.state)) || convert_to(r.oid, 'UTF8') || r.topic || r.state); "
            "    INSERT INTO {}.{} (position, hash) VALUES (r.notification_id, encode(previous, 'hex')); "
            "  END LOOP; "
            "  RETURN QUERY SELECT unnest(ids); "
            "END; $BODY$"
        ).format(
            *function,
            Identifier(self.datastore.schema),
            Identifier(self.stored_event_type_name),
            self.datastore.lock_timeout,
            *self._events,
            Identifier(self.channel_name),
            *self._chain,
            SQL(GENESIS.hex()),
            *self._events,
            *self._events,
            *self._chain,
        )
        self.sql_create_statements.append(self.create_function_statement)
        self.call_function_statement = SQL("SELECT * FROM {}.{}(%s)").format(*function)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], *, seal: bool = False, **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        pg_events = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        if self._function_ready and not seal:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self.call_function_statement, (pg_events,), prepare=True)
                return [row[self.chain_function] for row in curs.fetchall()]
        exc: Exception | None = None
        ids: list[int] = []
        # Read once: another thread's first write may set it while this one is in its pipeline, and the
        # head must be fetched exactly when it was asked for ("no result available" otherwise).
        chain_ready = self._chain_ready
        with self.datastore.get_connection() as conn:
            # Pipelined, as the library's own transaction path: the lock, the insert and the read of the
            # last link go in one round trip; the new links in a second; then the commit.
            with conn.pipeline() as pipeline, conn.transaction():
                try:
                    curs, inserted, head = conn.cursor(), conn.cursor(), conn.cursor()
                    self._lock_table(curs)
                    self._notify_channel(curs)
                    inserted.execute(self.insert_events_statement, (pg_events,), prepare=True)
                    if chain_ready:
                        head.execute(self.select_head_statement, prepare=True)
                    pipeline.sync()
                    ids = [row["notification_id"] for row in inserted.fetchall()]
                    last = head.fetchone() if chain_ready else _UNREAD
                    linked = self._extend(curs, new_rows(ids, stored_events), last, seal)
                except Exception as e:  # raised after the pipeline closes, as the library does
                    exc = e
                    # Roll back, whatever failed: left to itself the transaction would commit a
                    # failure raised in Python (the chain's check) with the rows in and no links.
                    raise Rollback() from None
            if exc:
                raise exc
        self._function_ready = linked  # committed: the function and a link to go on from exist
        return ids

    def _extend(self, curs: Cursor[DictRow], rows: list[Row], last: Any = _UNREAD, seal: bool = False) -> bool:
        if last is _UNREAD:
            if not self._chain_ready and not self._has_chain(curs):  # a store made before the chain
                curs.execute(self.create_chain_statement)  # writers are serialised by the lock
            curs.execute(
                "SELECT to_regprocedure(%s) AS found",
                (
                    f'"{self.datastore.schema}"."{self.chain_function}"("{self.datastore.schema}".'
                    f'"{self.stored_event_type_name}"[])',
                ),
            )
            found = curs.fetchone()
            if found is None or not found["found"]:  # one row: to_regprocedure's NULL when not there
                curs.execute(self.create_function_statement)
            self._chain_ready = True
            curs.execute(self.select_head_statement, prepare=True)
            last = curs.fetchone()
        insert = SQL("INSERT INTO {}.{} (position, hash) SELECT * FROM unnest(%s::bigint[], %s::text[])").format(
            *self._chain
        )
        if seal:  # on purpose (`tasking seal-chain`): every row, from the genesis, then this write's own
            curs.execute("SET LOCAL idle_in_transaction_session_timeout = 0")  # a long store takes a while
            curs.execute(SQL("DELETE FROM {}.{}").format(*self._chain))
            previous = GENESIS
            for page in self._pages(curs, rows[0][0] if rows else None):
                sealed = list(links(previous, page))
                curs.execute(insert, ([p for p, _ in sealed], [h for _, h in sealed]))
                previous = bytes.fromhex(sealed[-1][1])
        elif last is None:  # no link: this write's rows start the chain; rows with no link stay unsealed
            previous = GENESIS
        else:
            previous = bytes.fromhex(last["hash"])
            if rows and last["position"] >= rows[0][0]:
                raise ChainError(last["position"])
        if rows:
            made = list(links(previous, rows))
            curs.execute(insert, ([p for p, _ in made], [h for _, h in made]), prepare=True)
        return bool(rows) or last is not None  # the chain now has a link to go on from

    def _pages(self, curs: Cursor[DictRow], before: int | None) -> Iterator[list[Row]]:
        start = 0
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE notification_id > %s AND notification_id < %s ORDER BY notification_id LIMIT %s"
        ).format(*self._events)
        while True:
            curs.execute(statement, (start, before if before is not None else 2**63 - 1, PAGE))
            page = [
                (r["notification_id"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
                for r in curs.fetchall()
            ]
            if not page:
                return
            yield page
            start = page[-1][0]

    def _links(self, curs: Cursor[DictRow]) -> Iterator[tuple[int, str]]:
        start = -(2**63)
        statement = SQL("SELECT position, hash FROM {}.{} WHERE position > %s ORDER BY position LIMIT %s").format(
            *self._chain
        )
        while True:
            curs.execute(statement, (start, PAGE))
            page = [(r["position"], r["hash"]) for r in curs.fetchall()]
            if not page:
                return
            yield from page
            start = page[-1][0]

    def _has_chain(self, curs: Cursor[DictRow]) -> bool:
        curs.execute("SELECT to_regclass(%s) AS found", (f'"{self.datastore.schema}"."{self.chain_table}"',))
        row = curs.fetchone()
        return bool(row and row["found"])

    def verify(self, head: Head | None = None, linked_part: bool = False) -> Verdict:
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot of both tables
            curs.execute("SET LOCAL idle_in_transaction_session_timeout = 0")  # a long read on a loaded machine
            rows = (row for page in self._pages(curs, None) for row in page)
            chain = self._links(curs) if self._has_chain(curs) else iter(())
            return verify(rows, chain, head, linked_part)

    def chain_head(self, position: int | None = None) -> Head | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if not self._has_chain(curs):
                return None
            if position is None:
                curs.execute(
                    SQL("SELECT position, hash FROM {}.{} ORDER BY position DESC LIMIT 1").format(*self._chain)
                )
            else:
                curs.execute(
                    SQL("SELECT position, hash FROM {}.{} WHERE position <= %s ORDER BY position DESC LIMIT 1").format(
                        *self._chain
                    ),
                    (position,),
                )
            found = curs.fetchone()
        return Head(found["position"], found["hash"]) if found else None
