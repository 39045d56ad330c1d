"""The repository: the library's, with a small per-app cache of the aggregates it loads."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from eventsourcing.application import Repository
from eventsourcing.persistence import ApplicationRecorder

from tasking.store.keys import KeyStore
from tasking.store.sealing import reveal_event


def project_events(aggregate: Any, events: Any) -> Any:
    """The library's projector without its per-event `isinstance(event, CanMutateProtocol)` assert,
    which on Python 3.11 (runtime-checkable Protocols) cost a fifth of an interactive command."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class TaskingRepository(Repository[Any]):
    """The library's repository, keeping the aggregates it loads (and the app saves) in a small
    per-app cache. An app is used by one thread at a time (see `tasking.web.pool`), so a kept
    object is handed out as it is, not deep-copied; an object a caller changed without that change
    being recorded (a refused command, a failed save) no longer matches its recorded version and
    is loaded again.

    Kept aggregates are current as of a store position (`_gen_head`, one generation of them).
    Each use of a kept aggregate reads the store's head (once per command; a first load reads
    none): when no one has written since, a kept aggregate is used as it is; otherwise it is fast-forwarded with the events recorded since (by
    any process), one indexed select, as the library's own cache does, and joins the new
    generation. This app's own writes keep the generation when their positions follow on from it
    (nothing else was written in between). A stale copy can never decide a write: a writer that
    lands in between makes the save fail its version check, and the command is retried on a fresh
    load."""

    keys: KeyStore | None = None  # set by the app: aggregates are given sealed fields in plaintext
    cache_size = 2000  # aggregates kept per app (least recently used go first); 0: none

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id -> (aggregate, recorded version, generation)
        self._kept: OrderedDict[Any, tuple[Any, int, int]] = OrderedDict()
        self._kept_destroyed = 0  # the key store's destruction count the kept aggregates were revealed under
        self._gen = 0  # kept aggregates of this generation are current as of `_gen_head`
        self._gen_head: int | None = None
        self._command_head: int | None = None  # the head as read once in the current command
        self.in_command = False

    def _projector(self) -> Any:
        keys = self.keys
        if keys is None:
            return project_events
        return lambda aggregate, events: project_events(aggregate, (reveal_event(keys, event) for event in events))

    def _read_head(self) -> None:
        """Read the store's head (once per command) and start a new generation if it moved."""
        if self.in_command and self._command_head is not None:
            return
        recorder = self.event_store.recorder
        assert isinstance(recorder, ApplicationRecorder)  # what an Application constructs
        head = recorder.max_notification_id() or 0
        if head != self._gen_head:
            self._gen, self._gen_head = self._gen + 1, head
        if self.in_command:
            self._command_head = head

    def begin_command(self) -> None:
        self.in_command, self._command_head = True, None

    def end_command(self) -> None:
        self.in_command, self._command_head = False, None

    def get(self, aggregate_id: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", self._projector())
        if not self.cache_size or set(kwargs) != {"projector_func"}:
            return super().get(aggregate_id, **kwargs)
        if self.keys is not None and self.keys.destroyed != self._kept_destroyed:
            self._kept.clear()  # a key was destroyed: kept plaintext must not outlive it
            self._kept_destroyed = self.keys.destroyed
        kept = self._kept.pop(aggregate_id, None)
        if kept is not None:
            aggregate, recorded, gen = kept
            if aggregate.version == recorded and not aggregate._pending_events:
                self._read_head()  # before the select: what it reads is current as of at least this head
                if gen != self._gen:
                    newer = list(self.event_store.get(aggregate_id, gt=recorded))
                    if newer:
                        aggregate = kwargs["projector_func"](aggregate, newer)
                self.keep(aggregate)
                return aggregate
        aggregate = super().get(aggregate_id, **kwargs)
        self.keep(aggregate, current=False)  # no head was read for it: its next use fast-forwards it
        return aggregate

    def keep(self, aggregate: Any, current: bool = True) -> None:
        """Keep an aggregate at its current version; `current`: as of the generation's head."""
        self._kept[aggregate.id] = (aggregate, aggregate.version, self._gen if current else -1)
        self._kept.move_to_end(aggregate.id)
        while len(self._kept) > self.cache_size:
            self._kept.popitem(last=False)

    def recorded(self, aggregates: Any, events: Any, positions: list[int]) -> None:
        """After this app's write: keep the saved aggregates; drop any kept aggregate a loose event
        changed; keep the generation if the positions follow on from its head."""
        if not self.cache_size:
            return
        self._command_head = None
        saved = {aggregate.id for aggregate in aggregates}
        self.forget({event.originator_id for event in events} - saved)
        if positions:
            first, last = min(positions), max(positions)
            if self._gen_head is not None and first == self._gen_head + 1 and last - first + 1 == len(positions):
                self._gen_head = last  # only these events were written since: the rest stay current
            else:
                self._gen, self._gen_head = self._gen + 1, last
        for aggregate in aggregates:
            self.keep(aggregate)

    def forget(self, aggregate_ids: Any) -> None:
        self._command_head = None
        for aggregate_id in aggregate_ids:
            self._kept.pop(aggregate_id, None)
