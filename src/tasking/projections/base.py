"""A projection: its tables, and one small function per event type that writes its rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from sqlite_utils import Database

Handler = Callable[[Any, Database, Any, int], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these event classes."""

    def mark(fn: Handler) -> Handler:
        fn.__handles__ = event_classes  # type: ignore[attr-defined]  # a mark on the function itself, which Callable does not declare
        return fn

    return mark


class Projection:
    """Subclasses set `name`, `tables` and `version`, implement `create`, and mark handlers."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    version: ClassVar[int] = 1
    handles_all: ClassVar[bool] = False  # True: `on_any` sees every event, whatever its type
    # Indexes the handlers look rows up by: a fresh build keeps them during the load (the others are
    # created after it), or each lookup would scan the table and the build grow with its square.
    lookup_indexes: ClassVar[tuple[str, ...]] = ()
    _handlers: ClassVar[dict[type, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for value in cls.__dict__.values():
            for event_class in getattr(value, "__handles__", ()):
                cls._handlers[event_class] = value

    def create(self, db: Database) -> None:
        raise NotImplementedError

    def drop(self, db: Database) -> None:
        for table in self.tables:
            db.execute(f"DROP TABLE IF EXISTS [{table}]")

    _sql: ClassVar[dict[tuple[str, tuple[str, ...]], str]] = {}

    def __init__(self) -> None:
        self._deferred: dict[str, list[tuple[Any, ...]]] = {}
        self._pending: dict[str, dict[Any, dict[str, Any]]] = {}

    @staticmethod
    def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
        key = (table, columns)
        sql = Projection._sql.get(key)
        if sql is None:
            sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
            Projection._sql[key] = sql
        return sql

    def insert(self, db: Database, table: str, row: dict[str, Any], deferred: bool = False) -> None:
        """Write one row with a cached statement (sqlite-utils' insert() is too slow per row).

        `deferred` rows of an append-only table are written together by `flush`, which the runner
        calls at the end of each batch, inside the batch's transaction. Only the columns that hold a
        value are named: SQLite's cost per row grows with the values bound, and most are NULL in the
        wide `activity` view.
        """
        row = {column: value for column, value in row.items() if value is not None}  # NULL is every column's default
        sql = self._insert_sql(table, tuple(row))
        if deferred:
            self._deferred.setdefault(sql, []).append(tuple(row.values()))
        else:
            db.conn.execute(sql, tuple(row.values()))

    def append(self, sql: str, values: tuple[Any, ...]) -> None:
        """Defer one row of an append-only table, by a prepared statement (`insert_sql`) and its values in
        column order: the per-event path of the busiest views, which skips building a dict per row."""
        found = self._deferred.get(sql)
        if found is None:
            found = self._deferred[sql] = []
        found.append(values)

    insert_sql = _insert_sql

    def hold(self, table: str, key: Any, row: dict[str, Any]) -> None:
        """Insert a row that later events update, at the end of the batch: until then `held` gives it,
        and an update in the same batch changes it in memory instead of running an `UPDATE`."""
        self._pending.setdefault(table, {})[key] = row

    def held(self, table: str, key: Any) -> dict[str, Any] | None:
        found = self._pending.get(table)
        return None if found is None else found.get(key)

    def discard(self) -> None:
        """Forget deferred and held rows of a batch whose transaction failed."""
        self._deferred = {}
        self._pending = {}

    def flush(self, db: Database) -> None:
        for table, held in self._pending.items():
            for row in held.values():
                self.insert(db, table, row, deferred=True)
        self._pending = {}
        for sql, rows in self._deferred.items():
            db.conn.executemany(sql, rows)
        self._deferred = {}

    def wants(self, event_class: type) -> bool:
        return self.handles_all or event_class in self._handlers

    def handler_for(self, event_class: type) -> Callable[[Database, Any, int], None] | None:
        """The bound method that applies events of this class (what `apply` calls), or None."""
        if self.handles_all:
            return self.on_any
        handler = self._handlers.get(event_class)
        return None if handler is None else handler.__get__(self)

    def apply(self, db: Database, event: Any, position: int) -> None:
        if self.handles_all:
            self.on_any(db, event, position)
            return
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(self, db, event, position)

    def on_any(self, db: Database, event: Any, position: int) -> None:
        raise NotImplementedError
