"""One batch of events applied in one transaction: every chosen projection's rows, its new
position, its count of events applied and rows written, and the digest of the events it applied."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from tasking.projections.base import Projection
from tasking.projections.tracking import DIGEST_MOD, TRACKING, Tracked


def apply_batch(views: Tracked, chosen: list[Projection], rows: list[Any]) -> None:
    """One transaction: every chosen projection's rows, its new position, count and digest."""
    with views._write() as db:
        tracking = views.tracking()  # re-read under the write lock
        positions = {name: found["position"] for name, found in tracking.items()}
        # Per event class: each projection that wants it, with its handler and its position.
        routes: dict[type, list[tuple[str, int, Callable[[Database, Any, int], None]]]] = {}
        applied = {p.name: 0 for p in chosen}
        digest = {p.name: 0 for p in chosen}
        written = {p.name: views._written(p) for p in chosen}
        # When every chosen projection is behind the whole batch (a fresh build, and most
        # catch-ups), each event goes to every projection that wants it: count the events and
        # sum their marks per event class, and share them out to those projections at the end.
        behind = all(positions[p.name] < rows[0].id for p in chosen)
        per_class: dict[type, list[int]] = {}
        for position, _, state, event in rows:
            kind = type(event)
            wanted = routes.get(kind)
            if wanted is None:
                wanted = routes[kind] = [
                    (p.name, positions[p.name], handler)
                    for p in chosen
                    if (handler := p.handler_for(kind)) is not None  # None: p does not want it
                ]
                per_class[kind] = [0, 0]
            if not wanted:
                continue
            mark = zlib.crc32(state, position & 0xFFFFFFFF)
            if behind:
                for _, _, handler in wanted:
                    handler(db, event, position)
                counted = per_class[kind]
                counted[0] += 1
                counted[1] += mark
                continue
            for name, after, handler in wanted:
                if position > after:
                    handler(db, event, position)
                    applied[name] += 1
                    digest[name] += mark
        for kind, (count, marks) in per_class.items():
            for name, _, _ in routes[kind]:
                applied[name] += count
                digest[name] += marks
        last = rows[-1].id
        for projection in chosen:
            projection.flush(db)
            name = projection.name
            if last > positions[name]:
                found = tracking[name]
                db.execute(
                    f"UPDATE {TRACKING} SET position = ?, applied = ?, rows = ?, digest = ? WHERE projection = ?",
                    [
                        last,
                        found["applied"] + applied[name],
                        found["rows"] + views._written(projection) - written[name],
                        (found["digest"] + digest[name]) % DIGEST_MOD,
                        name,
                    ],
                )
