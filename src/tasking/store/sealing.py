"""Which event fields are personal details or free text, and sealing them at the store's edge.

`SEALED` is the one table: a person's details are sealed with the person's key, a case's free text
with the case's key, an escalation route's free text with its own key (the owner is always the
event's aggregate). `SealingMapper` seals those fields as it
turns a domain event into a stored one, so no handler can forget to, and the stored event keeps
its shape (same field names, a token string for a value). Reading gives the tokens back as they
are (the projections' lean decode and the mapper agree, and the views hold tokens); aggregates
loaded for a decision get the plaintext through `reveal_event`, and reads reveal what they show
through `KeyStore.reveal` (`[erased]` once the key is destroyed).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from tasking.domain.case import Case
from tasking.domain.case_review import CaseReview
from tasking.domain.duplicates import DuplicateDismissal
from tasking.domain.marac import MaracMeeting
from tasking.domain.repeat_flag import RepeatFlag
from tasking.domain.task_and_finish import TaskAndFinishGroup
from tasking.domain.person import Person
from tasking.domain.notification import Notification
from tasking.domain.user import User
from tasking.store.keys import PREFIX, KeyStore

PERSON_FIELDS = ("name", "phone", "email", "address")

SEALED: dict[type, tuple[str, ...]] = {
    Person.Added: PERSON_FIELDS,
    Case.Reported: ("summary",),
    Case.TaskingRaised: ("action",),
    Case.TaskingCompleted: ("result",),
    Case.FollowUpMade: ("outcome",),
    Case.ReporterUpdated: ("note",),
    Case.RiskAssessed: ("reason",),
    Case.RiskReviewed: ("note",),
    Case.Corrected: ("reason",),
    Case.Closed: ("note",),
    Case.Reopened: ("reason",),
    Case.PublicNoteShared: ("note",),
    User.EmailSet: ("email",),  # a user's own address, with the user's key
    Notification.NotificationQueued: ("note",),  # a resident's email: sealed with the notification's own key
    # The escalation routes' free text, each with its own aggregate's key.
    CaseReview.Acknowledged: ("note",),
    CaseReview.Decided: ("reason",),
    CaseReview.Held: ("note",),
    CaseReview.Recommended: ("action",),
    CaseReview.Responded: ("note",),
    CaseReview.Closed: ("note",),
    TaskAndFinishGroup.Opened: ("focus", "reason"),
    TaskAndFinishGroup.ActionRaised: ("action",),
    TaskAndFinishGroup.ActionCompleted: ("result",),
    TaskAndFinishGroup.Met: ("note",),
    TaskAndFinishGroup.Completed: ("outcome",),
    MaracMeeting.Discussed: ("outcome",),
    RepeatFlag.Acknowledged: ("note",),
    RepeatFlag.AcknowledgedAgain: ("note",),
    DuplicateDismissal.Dismissed: ("reason",),
}


def _with(event: Any, state: dict[str, Any]) -> Any:
    copy = object.__new__(type(event))
    object.__setattr__(copy, "__dict__", state)
    return copy


def _each_sealed(event: Any, change: Any) -> Any:
    """A copy of the event with `change(owner, field, value)` applied to its sealed fields."""
    fields = SEALED.get(type(event))
    if not fields:
        return event
    state = dict(vars(event))
    owner = state["originator_id"]
    for name in fields:
        state[name] = change(owner, name, state.get(name))
    return _with(event, state)


def seal_event(keys: KeyStore, event: Any) -> Any:
    """A copy of the event with its sealed fields encrypted (the event itself if it has none)."""
    return _each_sealed(event, keys.seal)


def reveal_event(keys: KeyStore, event: Any) -> Any:
    """A copy of the event with its sealed fields in plaintext (or `[erased]`)."""
    return _each_sealed(event, lambda owner, _name, value: keys.reveal(value, owner))


def holds_plaintext(app: Any, owner: Any) -> bool:
    """Whether an aggregate has a sealed field stored in plaintext (written before encryption):
    destroying its key would not erase that."""
    for event in app.events.get(owner):
        for name in SEALED.get(type(event), ()):
            value = getattr(event, name, None)
            if value is not None and not (isinstance(value, str) and value.startswith(PREFIX)):
                return True
    return False


def owners_to_seal(events: list[Any]) -> set[Any]:
    """The aggregates whose new events need a key."""
    return {event.originator_id for event in events if type(event) in SEALED}


class SealingMapper(Mapper):
    """The library's mapper, sealing `SEALED` fields on the way in; reading is unchanged."""

    def __init__(self, mapper: Mapper, keys: KeyStore) -> None:
        super().__init__(transcoder=mapper.transcoder, compressor=mapper.compressor, cipher=mapper.cipher)
        self.keys = keys

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return super().to_stored_event(seal_event(self.keys, domain_event))
