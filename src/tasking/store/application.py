"""The event-sourced application: the store, and the lookups every handler needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, ProgrammingError, Transcoder
from eventsourcing.utils import get_topic

from tasking.config import PartnershipConfig, parse_config
from tasking.domain.build import Build
from tasking.domain.case import Case
from tasking.errors import DomainError, NotFound
from tasking.domain.ids import PARTNERSHIP_ID, case_id, person_id, request_id, sequence_id
from tasking.domain.partnership import Partnership
from tasking.domain.person import Person
from tasking.domain.request import Request
from tasking.domain.sequence import Sequence
from tasking.domain.user import User
from tasking.store.acting import Acting
from tasking.store.keys import KeyStore
from tasking.store.repository import TaskingRepository
from tasking.store.sealing import SealingMapper, owners_to_seal
from tasking.store.transcoder import OrjsonTranscoder


class Deferred(list[Any]):
    """What a handler saved inside `TaskingApp.deferred_saves()`, and the keyword arguments it saved with."""

    def __init__(self) -> None:
        super().__init__()
        self.kwargs: dict[str, Any] = {}


class TaskingApp(Acting, Application[Any]):
    """One application name: it is the environment prefix and the projections' tracking key."""

    name = "Tasking"
    snapshotting_intervals = {Sequence: 50}
    fast_forward_users = True  # a kept user catches up with role changes and deactivations on each use

    def __init__(self, env: dict[str, str] | None = None, store_label: str = "", keys: KeyStore | None = None) -> None:
        self._users: dict[str, User] = {}
        self._acting: dict[str, User] | None = None  # users as looked up once in the current command
        self._deferred: Deferred | None = None
        self.keys = keys  # the key store (see `tasking.store.keys`); None writes plaintext, as before
        # Where access-log entries go: None writes each at once; a web worker's pool sets its
        # group-committing writer (`tasking.web.access_log`), which returns once they are committed.
        self.access_log: Any = None
        super().__init__(env=env)
        self.store_label = store_label
        self.repository.keys = keys

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        """The library's save, collecting events without its runtime-Protocol `isinstance` checks
        (slow on Python 3.11): aggregates here are `Aggregate` subclasses, anything else an event.
        Inside `deferred_saves()` it only collects, so the caller can add to the same transaction."""
        if self._deferred is not None:
            self._deferred.extend(objs)
            self._deferred.kwargs.update(kwargs)
            return []
        return self.write(*objs, **kwargs)

    def write(self, *objs: Any, **kwargs: Any) -> list[Any]:
        """Record aggregates' new events (and loose events) in one transaction, now, deferred or not."""
        processing: ProcessingEvent[Any] = ProcessingEvent()
        for obj in objs:
            if obj is None:
                continue
            if isinstance(obj, Aggregate):
                processing.events.extend(obj.collect_events())
                processing.aggregates[obj.id] = obj
            else:
                processing.events.append(obj)
        processing.saved_kwargs.update(kwargs)
        try:
            if self.keys is not None:
                self.keys.ensure(owners_to_seal(processing.events))  # keys first, in one transaction
            recordings = self._record(processing)
        except BaseException:
            # Not recorded: what these aggregates now hold is not what the store holds.
            self.repository.forget([*processing.aggregates, *(e.originator_id for e in processing.events)])
            raise
        self.repository.recorded(
            list(processing.aggregates.values()),
            processing.events,
            [r.notification.id for r in recordings if r.notification.id is not None],
        )
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def log_access(self, *entries: Any) -> None:
        """Record access-log entries (`tasking.domain.access`); committed when this returns."""
        if self.access_log is not None:
            self.access_log(*entries)
        else:
            self.write(*entries)

    def begin_command(self) -> bool:
        """While one command is sent, each user is looked up (and fast-forwarded) once, and the
        store's head is read once: the permission check, the handler and the log line see the same
        user. False when a command is already being sent (a command sent while sending another:
        same scope); otherwise call `end_command` after it, in a `finally`."""
        if self._acting is not None:
            return False
        self._acting = {}
        self.repository.begin_command()
        return True

    def end_command(self) -> None:
        self._acting = None
        self.repository.end_command()

    @contextmanager
    def deferred_saves(self) -> Iterator[Deferred]:
        """Collect what a handler saves instead of writing it; the caller saves it all in one go,
        with the keyword arguments it was saved with (`collected.kwargs`, e.g. the chain's `seal`)."""
        self._deferred = collected = Deferred()
        try:
            yield collected
        finally:
            self._deferred = None

    def find_request(self, key: str) -> Request | None:
        """The record of a request id already handled, if any."""
        try:
            return self.repository.get(request_id(key))
        except (AggregateNotFoundError, ProgrammingError):
            return None

    def construct_repository(self) -> Repository[Any]:
        return TaskingRepository(event_store=self.events, snapshot_store=self.snapshots)

    def construct_mapper(self) -> Mapper[Any]:
        """The library's mapper; with a key store, one that seals personal details and free text."""
        mapper = super().construct_mapper()
        return mapper if self.keys is None else SealingMapper(mapper, self.keys)

    def construct_transcoder(self) -> Transcoder:
        """orjson, writing the library's own tagged JSON format (see `tasking.store.transcoder`)."""
        transcoder = OrjsonTranscoder()
        # The library annotates this JSONTranscoder but only calls `register`, which OrjsonTranscoder has too.
        self.register_transcodings(transcoder)  # type: ignore[arg-type]
        return transcoder

    # --- partnership ----------------------------------------------------------------------

    def is_initialised(self) -> bool:
        try:
            self.repository.get(PARTNERSHIP_ID)
        except (AggregateNotFoundError, ProgrammingError):  # no partnership yet, or no tables yet
            return False
        return True

    @cached_property
    def config(self) -> PartnershipConfig:
        try:
            partnership = self.repository.get(PARTNERSHIP_ID)
        except (AggregateNotFoundError, ProgrammingError):
            raise DomainError(
                "store", f"{self.store_label or 'the store'} is not initialised; run `tasking init` first"
            ) from None
        assert isinstance(partnership, Partnership)
        return parse_config(partnership.config_toml, "stored partnership configuration")

    # --- lookups that raise a domain error naming the field --------------------------------

    def get_case(self, reference: str, field: str = "case") -> Case:
        try:
            return self.repository.get(case_id(reference.strip().upper()))
        except AggregateNotFoundError:
            raise NotFound(field, f"unknown case {reference!r}") from None

    def get_person(self, reference: str, field: str = "person") -> Person:
        try:
            return self.repository.get(person_id(reference.strip().upper()))
        except AggregateNotFoundError:
            # Not echoed: a name typed where a reference belongs is personal data.
            raise NotFound(
                field, "unknown person: give a reference from `tasking person add`, e.g. PER-00001"
            ) from None

    def sequence(self, name: str) -> Sequence:
        try:
            return self.repository.get(sequence_id(name))
        except AggregateNotFoundError:
            return Sequence(name)

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0

    def unfinished_builds(self) -> list[dict[str, Any]]:
        """Bulk builds (the demo, a store copy) started in this store and not finished: each with
        the command that started it, the position it started at, and where the store now ends."""
        started: dict[Any, dict[str, Any]] = {}
        topics, start = [get_topic(Build.Started), get_topic(Build.Finished)], 0
        while notifications := self.recorder.select_notifications(start, 1000, topics=topics, inclusive_of_start=False):
            for notification in notifications:
                if notification.topic == topics[0]:
                    event = self.mapper.to_domain_event(notification)
                    assert isinstance(event, Build.Started)  # the topic asked for
                    started[notification.originator_id] = {
                        "build": event.name,
                        "command": event.command,
                        "started_at": notification.id,
                    }
                else:
                    started.pop(notification.originator_id, None)
            start = notifications[-1].id
        head = self.event_count()
        return [{**found, "store_position": head} for found in started.values()]
