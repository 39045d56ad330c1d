"""Each projection's tracking row (position, version, events applied, rows written, digest), kept
in the views file in the same transaction as the projection's rows; and the checks over them.

Rows are counted by TEMP triggers, which fire only on this process's own connection, whatever SQL
a handler uses: a row deleted by anyone else is not counted, and shows. A fresh build has no
triggers (it has one writer, itself): it counts its tables once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from tasking.projections.base import Projection

TRACKING = "_tracking"
TRACKING_COLUMNS = ("projection", "position", "version", "applied", "rows", "digest")
DIGEST_MOD = 1 << 62


class Tracked:
    """The tracking half of `Views`: it sets `db`, `projections` and `_fresh_build`."""

    db: Database
    projections: list[Projection]
    _fresh_build = False

    def _ensure(self) -> str | None:
        with self._write():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING} (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, "
                "version INTEGER NOT NULL, applied INTEGER NOT NULL DEFAULT 0, rows INTEGER NOT NULL DEFAULT 0, "
                "digest INTEGER NOT NULL DEFAULT 0)"
            )
            columns = tuple(row[1] for row in self.db.execute(f"PRAGMA table_info({TRACKING})").fetchall())
            if columns != TRACKING_COLUMNS:
                return f"has tracking columns {', '.join(columns)}, not {', '.join(TRACKING_COLUMNS)}"
            known = {
                row[0]: row[1] for row in self.db.execute(f"SELECT projection, version FROM {TRACKING}").fetchall()
            }
            for projection in self.projections:
                found = known.get(projection.name)
                if found is None:
                    self._reset(projection)
                elif found != projection.version:
                    return f"holds {projection.name} version {found}, not version {projection.version}"
            self._count_rows()
        return None

    def _count_rows(self, projections: Iterable[Projection] | None = None) -> None:
        """TEMP triggers on this connection count the rows each table gains and loses (see the module doc)."""
        if not hasattr(self, "_counts"):
            self._counts: dict[str, int] = {}
            self.db.conn.create_function("tasking_count_row", 2, self._counted)
        if self._fresh_build:
            return  # a fresh file has one writer, this one: `build_fresh` counts its rows once, at the end
        for projection in self.projections if projections is None else projections:
            for table in projection.tables:
                for action, step in (("INSERT", 1), ("DELETE", -1)):
                    self.db.execute(
                        f"CREATE TEMP TRIGGER IF NOT EXISTS [_count_{table}_{action.lower()}] AFTER {action} "
                        f"ON main.[{table}] BEGIN SELECT tasking_count_row('{table}', {step}); END"
                    )

    def _counted(self, table: str, step: int) -> None:
        self._counts[table] = self._counts.get(table, 0) + step

    def _written(self, projection: Projection) -> int:
        return sum(self._counts.get(table, 0) for table in projection.tables)

    def _reset(self, projection: Projection) -> None:
        """Drop a projection's tables and position; the caller holds the write transaction."""
        projection.drop(self.db)
        projection.create(self.db)
        self._count_rows([projection])
        self.db.execute(
            f"INSERT OR REPLACE INTO {TRACKING} (projection, position, version, applied, rows, digest) "
            "VALUES (?, 0, ?, 0, 0, 0)",
            [projection.name, projection.version],
        )

    def positions(self) -> dict[str, int]:
        rows = self.db.execute(f"SELECT projection, position FROM {TRACKING}").fetchall()
        found = dict(rows)
        return {p.name: found.get(p.name, 0) for p in self.projections}

    def tracking(self) -> dict[str, dict[str, int]]:
        """Each projection's position, events applied, rows written and digest of the applied events."""
        rows = self.db.execute(f"SELECT projection, position, applied, rows, digest FROM {TRACKING}").fetchall()
        found = {row[0]: {"position": row[1], "applied": row[2], "rows": row[3], "digest": row[4]} for row in rows}
        return {
            p.name: found.get(p.name, {"position": 0, "applied": 0, "rows": 0, "digest": 0}) for p in self.projections
        }

    def check(self) -> list[str]:
        """Cheap: each projection's tables hold as many rows as it wrote. Returns the problems found."""
        problems = []
        for projection in self.projections:
            expected = self.tracking()[projection.name]["rows"]
            actual = sum(
                self.db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0] for table in projection.tables
            )
            if actual != expected:
                problems.append(f"{projection.name} holds {actual} rows where it wrote {expected}")
        return problems

    class _Tx:
        def __init__(self, db: Database) -> None:
            self.db = db

        def __enter__(self) -> Database:
            self.db.conn.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: object, *_: object) -> None:
            self.db.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def _write(self) -> Tracked._Tx:
        return Tracked._Tx(self.db)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every projection table's rows, sorted: what `verify` and the property tests compare."""
        tables = [table for projection in self.projections for table in projection.tables]
        return {table: sorted(self.db.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr) for table in tables}
