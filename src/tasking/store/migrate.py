"""Copy every stored event, in order, from one store to another (e.g. SQLite to PostgreSQL).

Records are copied as stored (topic and state bytes unchanged), in batches, so the copy replays
to exactly the same aggregates, views and statistics. Copying into a store that holds events
is refused.

The key store is copied with the events. A store written before encryption (person details and
case free text in plaintext) is migrated by the copy: those values are sealed with new keys in the
target, and every other byte is copied as it was. `verify_copy` then reads both stores event by
event and compares the decrypted content. The copy is a `Build`: its start is recorded before the first copied event and its
finish after the last, so a copy that was interrupted is reported as unfinished.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from tasking.domain.build import Build
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.store.keys import PREFIX
from tasking.store.sealing import SEALED, SealingMapper, reveal_event
from tasking.time.instants import utcnow

BATCH = 1000


class Services(Protocol):
    """An opened store (`tasking.bootstrap.Services`): a copy needs its app alone."""

    @property
    def app(self) -> TaskingApp: ...


def check_copy(source: Services, target: Services) -> None:
    """Refuse a copy into a store that holds events, or from one that holds none."""
    if target.app.event_count():
        raise DomainError(
            "to",
            f"{target.app.store_label} already holds {target.app.event_count()} events; copy only into an empty store",
        )
    if not source.app.event_count():
        raise DomainError("from", f"{source.app.store_label} holds no events")


def copy_store(
    source: Services,
    target: Services,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
    user: str | None = None,
) -> int:
    """Copy every event; returns how many were copied (the copy's two markers not counted)."""
    check_copy(source, target)
    # A coordinator or admin of the source store (`tasking.domain.permissions`); the refusal is recorded there.
    agency = (
        source.app.actor(user).agency
        if source.app.authorize(source.app.actor(user, "store copy"), "store copy")
        else "-"
    )
    build = Build(
        name=f"copy-{uuid.uuid4().hex[:12]}",
        user=user or "-",
        agency=agency,
        at=utcnow(),
        command=f"tasking store copy --from {source.app.store_label} --to {target.app.store_label}",
        detail={"from": source.app.store_label, "events": source.app.event_count()},
    )
    target.app.save(build)
    if source.app.keys is not None and target.app.keys is not None:
        target.app.keys.import_rows(source.app.keys.export())
    copied, start = 0, 0
    while True:
        notifications = source.app.recorder.select_notifications(start, batch, inclusive_of_start=False)
        if not notifications:
            build.finish(user=user or "-", agency=agency, at=utcnow())
            target.app.save(build)
            return copied
        target.app.recorder.insert_events([_as_target_stores(source, target, n) for n in notifications])
        copied += len(notifications)
        start = notifications[-1].id
        if progress is not None:
            progress(len(notifications))


def _as_target_stores(source: Services, target: Services, notification: Any) -> StoredEvent:
    """The record as stored; an event with plaintext in a sealed field is sealed for the target."""
    stored = StoredEvent(
        originator_id=notification.originator_id,
        originator_version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
    )
    fields = SEALED.get(resolve_topic(notification.topic))
    mapper = target.app.mapper
    if not fields or not isinstance(mapper, SealingMapper):
        return stored
    event = source.app.mapper.to_domain_event(stored)
    if all(
        value is None or (isinstance(value, str) and value.startswith(PREFIX))
        for value in (getattr(event, name, None) for name in fields)
    ):
        return stored
    mapper.keys.ensure([event.originator_id])  # the target's key store: its mapper seals with it
    return mapper.to_stored_event(event)


def verify_copy(source: Services, target: Services, batch: int = BATCH) -> int:
    """Compare every copied event's decrypted content with the source's; returns how many matched.
    Raises a domain error naming the first position that differs."""

    def events(services: Services) -> Iterator[tuple[int, Any]]:
        start, keys, skip = 0, services.app.keys, {get_topic(Build.Started), get_topic(Build.Finished)}
        while notifications := services.app.recorder.select_notifications(start, batch, inclusive_of_start=False):
            for n in notifications:
                if services is target and n.topic in skip and n.originator_id in copies:
                    continue
                event = services.app.mapper.to_domain_event(n)
                if keys is not None:
                    event = reveal_event(keys, event)
                yield n.id, (n.topic, str(n.originator_id), n.originator_version, vars(event))
            start = notifications[-1].id

    copies = {n.originator_id for n in target.app.recorder.select_notifications(0, 1)}  # the copy's own build
    matched = 0
    for (position, one), (_, two) in itertools.zip_longest(events(source), events(target), fillvalue=(None, None)):
        if one != two:
            raise DomainError("to", f"the copy differs from the source at source position {position}")
        matched += 1
    return matched
