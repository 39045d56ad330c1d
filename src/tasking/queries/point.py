"""The point a read answers at: effective time (`at`) and recorded time (`position`).

- `at` is effective time: only events whose effective time (received, raised, or a write's
  `--at`) is at or before it count. `None` means no bound: everything that has happened.
- `position` is recorded time: only events recorded at or before this notification id count.
  `--as-of DATETIME` is turned into the last position recorded by then.

The two are independent, every read takes both, and no query reads a hidden "now" or "latest":
the composition root resolves them once (`Services.read`) and passes a `Reader` in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.domain.permissions import Restriction
from tasking.errors import DomainError
from tasking.time.instants import iso, iso_precise


@dataclass(frozen=True)
class ReadPoint:
    at: dt.datetime | None
    position: int

    def sql(self, alias: str = "") -> tuple[str, list[Any]]:
        """`position <= ? [AND at <= ?]` for rows of the `activity` view."""
        prefix = f"{alias}." if alias else ""
        if self.at is None:
            return f"{prefix}position <= ?", [self.position]
        return f"{prefix}position <= ? AND {prefix}at <= ?", [self.position, iso(self.at)]

    def until(self, at: dt.datetime | None) -> ReadPoint:
        """The same record, read as at another effective time."""
        return ReadPoint(at=at, position=self.position)


@dataclass(frozen=True)
class Reader:
    """What a query needs: the views (caught up), the configuration, the point, and the store."""

    db: Database
    config: PartnershipConfig
    point: ReadPoint
    app: Any
    # Who reads (`tasking.domain.permissions.Actor`); `shared`: as every partner sees it (the packs).
    actor: Any = None
    shared: bool = False

    @cached_property
    def restriction(self) -> Restriction:
        """Which cases are restricted: worked out once per read, asked of every case it screens."""
        return Restriction.of(self.config)


def head(db: Database) -> int:
    """The last position the views have applied."""
    return db.execute("SELECT COALESCE(MIN(position), 0) FROM _tracking").fetchone()[0]


def resolve_position(db: Database, position: int | None = None, as_of: dt.datetime | None = None) -> int:
    """The last notification id to include: all, up to `position`, or recorded up to `as_of`."""
    if position is not None and as_of is not None:
        raise DomainError("as-of", "give either --as-of or --position, not both")
    last = head(db)
    if position is not None:
        if position < 0:
            raise DomainError("position", "must be zero or more")
        return min(position, last)
    if as_of is not None:
        # Timestamps are taken when events are made, so concurrent writers can commit them out of
        # order: stop just before the first event stamped after the moment, never beyond it.
        after = db.execute("SELECT MIN(position) FROM log WHERE recorded_at > ?", [iso_precise(as_of)]).fetchone()[0]
        if after is not None:
            return db.execute("SELECT COALESCE(MAX(position), 0) FROM log WHERE position < ?", [after]).fetchone()[0]
    return last
