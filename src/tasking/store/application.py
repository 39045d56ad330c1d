"""The event-sourced application: the store, and the lookups every handler needs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, ProgrammingError, Transcoder
from eventsourcing.utils import get_topic

from tasking.config import PartnershipConfig, parse_config
from tasking.domain.access import AccessRefusal
from tasking.domain.build import Build
from tasking.domain.permissions import SYSTEM, SYSTEM_ACTOR, Actor, Forbidden, Unidentified, check, check_case
from tasking.time.instants import utcnow
from tasking.domain.case import Case
from tasking.errors import DomainError, NotFound
from tasking.domain.ids import PARTNERSHIP_ID, case_id, person_id, request_id, sequence_id, user_id
from tasking.domain.partnership import Partnership
from tasking.domain.person import Person
from tasking.domain.request import Request
from tasking.domain.sequence import Sequence
from tasking.domain.user import User
from tasking.store.keys import KeyStore
from tasking.store.sealing import SealingMapper, owners_to_seal, reveal_event
from tasking.store.transcoder import OrjsonTranscoder


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
        head = self.event_store.recorder.max_notification_id() or 0  # type: ignore[attr-defined]
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


class Deferred(list[Any]):
    """What a handler saved inside `TaskingApp.deferred_saves()`, and the keyword arguments it saved with."""

    def __init__(self) -> None:
        super().__init__()
        self.kwargs: dict[str, Any] = {}


class TaskingApp(Application[Any]):
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
        self.repository.keys = keys  # type: ignore[attr-defined]

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:  # type: ignore[override]
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
            self.repository.forget([*processing.aggregates, *(e.originator_id for e in processing.events)])  # type: ignore[attr-defined]
            raise
        self.repository.recorded(  # type: ignore[attr-defined]
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
        self.repository.begin_command()  # type: ignore[attr-defined]
        return True

    def end_command(self) -> None:
        self._acting = None
        self.repository.end_command()  # type: ignore[attr-defined]

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

    def get_user(self, login: str | None, field: str = "user") -> User:
        if not login:
            raise DomainError(field, "an acting user is required; pass --user ID or set TASKING_USER")
        acting = self._acting
        if acting is not None and login in acting:
            return acting[login]
        found = self._get_user(login, field)
        if acting is not None:
            acting[login] = found
        return found

    def _get_user(self, login: str, field: str) -> User:
        found = self._users.get(login)
        if found is not None and not self.fast_forward_users:
            return found
        # A user's role can change and a user can be deactivated: the repository keeps users and
        # fast-forwards them with any events recorded since (by any process).
        self.config  # noqa: B018 - an uninitialised store is the clearer error
        try:
            found = self.repository.get(user_id(login))
        except AggregateNotFoundError:
            raise NotFound(field, f"unknown user {login!r}") from None
        self._users[login] = found
        return found

    def actor(self, login: str | None, action: str | None = None) -> Actor:
        """Who acts, for the permission rules: a stored user (or the scheduler's `system`). A missing
        or unknown user is refused, and the refusal is recorded in the access log (issue 21, 19)."""
        if login == SYSTEM:
            return SYSTEM_ACTOR
        try:
            user = self.get_user(login)
        except DomainError as exc:
            if not self.is_initialised():
                raise  # the store's own error is the clearer one
            self.log_access(
                AccessRefusal(
                    action=action or "-",
                    case=None,
                    role="-",
                    rule=exc.rule,
                    user=login or "-",
                    agency=None,
                    at=utcnow(),
                )
            )
            raise Unidentified(exc.field, exc.rule) from None
        return Actor(login=user.login, agency=user.member_of, role=user.role, active=user.active)

    def refuse(self, actor: Actor, action: str, rule: str, case: str | None = None) -> Forbidden:
        """Record a refusal in the access log (an event of its own, never on the case) and return
        the `Forbidden` to raise."""
        refused = Forbidden(actor.role, action, rule, case)
        self._record_refusal(actor, action, refused)
        return refused

    def _record_refusal(self, actor: Actor, action: str, refused: Forbidden) -> None:
        self.log_access(
            AccessRefusal(
                action=action,
                case=refused.case,
                role=actor.role,
                rule=refused.rule,
                user=actor.login,
                agency=actor.agency,
                at=utcnow(),
            )
        )

    def authorize(self, actor: Actor, action: str, case: str | None = None, own: bool | None = None) -> str:
        """The actor's scope for the action (and, given `own`, for this case); a refusal is recorded
        as an event of its own (never on the case) and raised as `Forbidden`."""
        try:
            found = check(actor, action)
            if own is not None and case is not None:
                check_case(actor, action, case, own)
        except Forbidden as exc:
            exc.case = case
            self._record_refusal(actor, action, exc)
            raise
        return found

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
