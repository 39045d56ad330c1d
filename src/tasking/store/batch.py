"""Batched saves for bulk paths (the demo, imports): the real handlers, fewer transactions.

`BatchingApp` runs every command through the same handlers and aggregates, but holds the new
events in memory and writes them in one `save` per batch, in the order they were decided.
Aggregates touched in the batch are served from memory, so later commands see earlier ones.
Use it only for a single writer filling a store (a conflict fails the whole batch).
"""

from __future__ import annotations

import gc
from typing import Any

from tasking.store.application import TaskingApp
from tasking.store.repository import TaskingRepository
from eventsourcing.utils import get_topic

from tasking import faults
from tasking.domain.case import Case
from tasking.domain.ids import request_id
from tasking.domain.request import Request


class _PendingRepository(TaskingRepository):
    cache_size = 0  # the batch holds what it touches in `pending`

    def __init__(self, *args: Any, pending: dict[Any, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = pending

    def get(self, aggregate_id: Any, **kwargs: Any) -> Any:
        found = self.pending.get(aggregate_id)
        if found is not None and not kwargs:
            return found
        return super().get(aggregate_id, **kwargs)

    def __contains__(self, item: Any) -> bool:
        return item in self.pending or super().__contains__(item)


class BatchingApp(TaskingApp):
    # The library names an application after its class unless told: the name is the env prefix,
    # the PostgreSQL table prefix and the tracking key, so it must stay the same as TaskingApp's.
    name = TaskingApp.name
    batch_size = 2000
    fast_forward_users = False  # a single writer filling a store: no one else changes its users meanwhile

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._aggregates: dict[Any, Any] = {}
        self._events: list[Any] = []
        self._requests: dict[str, Request] | None = None
        self.flushed = 0
        super().__init__(*args, **kwargs)

    def construct_repository(self) -> TaskingRepository:
        return _PendingRepository(event_store=self.events, snapshot_store=self.snapshots, pending=self._aggregates)

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        if self._deferred is not None:
            return super().save(*objs)  # only collects
        for obj in objs:
            if obj is None:
                continue
            self._aggregates[obj.id] = obj
            self._events.extend(obj.collect_events())
        if len(self._events) >= self.batch_size:
            self.flush()
        return []

    def find_request(self, key: str) -> Request | None:
        """Requests held in this batch, or recorded before it (all read once: a resumed demo asks
        for thousands, and a new one for thousands that are not there)."""
        pending = self._aggregates.get(request_id(key))
        if pending is not None:
            return pending
        if self._requests is None:
            self._requests = {}
            topic, start = get_topic(Request.Handled), 0
            while notifications := self.recorder.select_notifications(
                start, 5000, topics=[topic], inclusive_of_start=False
            ):
                for notification in notifications:
                    handled = self.mapper.to_domain_event(notification)
                    assert isinstance(handled, Request.Handled)  # the topic asked for
                    found = handled.mutate(None)
                    assert isinstance(found, Request)  # a creating event makes its aggregate from nothing
                    self._requests[found.key] = found
                start = notifications[-1].id
        return self._requests.get(key)

    def flush(self) -> int:
        """Write the held events in one transaction. Returns how many were written."""
        stray = [a for a in self._aggregates.values() if a._pending_events]
        if stray:  # a refused command must not leave half a decision behind
            raise RuntimeError(f"{len(stray)} aggregates hold events no command saved, e.g. {stray[0].id}")
        if not self._events:
            return 0
        events, self._events = self._events, []
        gc.disable()
        try:
            self.write(*events)  # now, even when a handler inside deferred saves asked for the flush
        finally:
            gc.enable()
        # Cases are many and each is touched for a short while: let them go once written.
        # People, users, sequences and the partnership stay, for the next batch's lookups.
        for aggregate_id in [k for k, a in self._aggregates.items() if isinstance(a, (Case, Request))]:
            written = self._aggregates.pop(aggregate_id)
            if isinstance(written, Request) and self._requests is not None:
                self._requests[written.key] = written
        self.flushed += len(events)
        faults.after_bulk_commit(self.flushed)  # off unless a test switches it on
        return len(events)
