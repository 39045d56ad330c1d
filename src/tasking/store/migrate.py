"""Copy every stored event, in order, from one store to another (e.g. SQLite to PostgreSQL).

Records are copied as stored (topic and state bytes unchanged), in batches, so the copy replays
to exactly the same aggregates, views and statistics. Copying into a store that holds events
is refused. The copy is a `Build`: its start is recorded before the first copied event and its
finish after the last, so a copy that was interrupted is reported as unfinished.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from eventsourcing.persistence import StoredEvent

from tasking.bootstrap import Services, redact
from tasking.domain.build import Build
from tasking.domain.errors import DomainError
from tasking.time.instants import utcnow

BATCH = 1000


def check_copy(source: Services, target: Services) -> None:
    """Refuse a copy into a store that holds events, or from one that holds none."""
    if target.app.event_count():
        raise DomainError("to", f"{target.app.store_label} already holds {target.app.event_count()} events; "
                                "copy only into an empty store")
    if not source.app.event_count():
        raise DomainError("from", f"{source.app.store_label} holds no events")


def copy_store(source: Services, target: Services, progress: Callable[[int], None] | None = None,
               batch: int = BATCH, user: str | None = None) -> int:
    """Copy every event; returns how many were copied (the copy's two markers not counted)."""
    check_copy(source, target)
    # A coordinator or admin of the source store (`tasking.domain.permissions`); the refusal is recorded there.
    agency = source.app.actor(user).agency if source.app.authorize(source.app.actor(user), "store copy") else "-"
    build = Build(name=f"copy-{uuid.uuid4().hex[:12]}", user=user or "-", agency=agency, at=utcnow(),
                  command=f"tasking store copy --from {redact(source.settings.store)} --to {redact(target.settings.store)}",
                  detail={"from": redact(source.settings.store), "events": source.app.event_count()})
    target.app.save(build)
    copied, start = 0, 0
    while True:
        notifications = source.app.recorder.select_notifications(start, batch, inclusive_of_start=False)
        if not notifications:
            build.finish(user=user or "-", agency=agency, at=utcnow())
            target.app.save(build)
            return copied
        target.app.recorder.insert_events([
            StoredEvent(originator_id=n.originator_id, originator_version=n.originator_version, topic=n.topic,
                        state=n.state)
            for n in notifications
        ])
        copied += len(notifications)
        start = notifications[-1].id
        if progress is not None:
            progress(len(notifications))
