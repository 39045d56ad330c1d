"""The one definition of a case's state: a pure fold of its facts, in the order they were recorded.

A *fact* is one event on a case as a flat mapping, in the read side's words (the `activity`
view's columns: `kind`, `at`, `user`, `acting_agency`, `text` and the kind's own columns). The
aggregate (`tasking.domain.case`), the read side (`tasking.queries.state`, over `activity` rows)
and the case review evidence (`tasking.commands.case_review_evidence`, over stored events) all
fold through `fold` and `step`, so the state the write side decides on and the state every read
shows cannot drift apart. Effective time chooses which facts a reader folds; it never reorders
them: the fold applies facts in recorded order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasking.domain.location import location_key
from tasking.time.instants import iso

# The CLI word for each event on a case (by the event class's name, which is in its stored topic).
KIND_OF: dict[str, str] = {
    "Reported": "report",
    "Linked": "link",
    "TaskingRaised": "task",
    "TaskingReassigned": "reassign",
    "TaskingCompleted": "complete",
    "FollowUpMade": "follow-up",
    "ReporterUpdated": "update-reporter",
    "PowerUsed": "power",
    "Referred": "refer",
    "RiskAssessed": "risk",
    "RiskReviewed": "review",
    "Corrected": "correct",
    "Closed": "close",
    "Reopened": "reopen",
    "LeadAssigned": "assign",
}

# Each kind's own columns and the event attribute each is read from.
OWN: dict[str, tuple[tuple[str, str], ...]] = {
    "Reported": (
        ("source", "source"),
        ("channel", "channel"),
        ("category", "category"),
        ("area", "area"),
        ("location", "location"),
        ("occurred_at", "occurred_at"),
        ("reporter", "reporter"),
        ("victim", "victim"),
        ("feedback", "feedback"),
        ("risk", "risk"),
        ("lat", "lat"),
        ("lon", "lon"),
    ),
    "TaskingRaised": (("tasking", "tasking"), ("tasked_agency", "to_agency"), ("owner", "owner"), ("due", "due")),
    "TaskingReassigned": (("tasking", "tasking"), ("tasked_agency", "to_agency"), ("owner", "owner")),
    "TaskingCompleted": (("tasking", "tasking"),),
    "FollowUpMade": (("follow_up_kind", "kind"),),
    "ReporterUpdated": (("update_channel", "channel"),),
    "PowerUsed": (("power", "power"),),
    "Referred": (("referral", "target"),),
    "RiskAssessed": (("risk", "level"),),
    "RiskReviewed": (("risk", "level"),),
    "Linked": (("linked_to", "to"), ("link_reason", "reason")),
    "Corrected": (("field", "field"), ("value", "value")),
    "Closed": (("close_reason", "reason"),),
    "LeadAssigned": (("lead", "lead"),),
}
# The attribute holding each kind's free text (the `text` column).
TEXT: dict[str, str] = {
    "Reported": "summary",
    "TaskingRaised": "action",
    "TaskingCompleted": "result",
    "FollowUpMade": "outcome",
    "ReporterUpdated": "note",
    "RiskAssessed": "reason",
    "RiskReviewed": "note",
    "Corrected": "reason",
    "Closed": "note",
    "Reopened": "reason",
}
# Columns holding an instant, in canonical UTC form (`iso`).
INSTANTS = frozenset({"occurred_at"})

# Things done on a case that the reporter should hear about.
FEEDBACK_ACTIONS = ("follow-up", "complete", "power", "refer", "close")

# What a correction's `field` sets.
CORRECTABLE = {
    "category": "category",
    "area": "area",
    "location": "location",
    "source": "source",
    "occurred": "occurred_at",
}


def fact_of(event: Any) -> dict[str, Any]:
    """A stored case event as a fact (the columns its `activity` row has, without the position)."""
    name = type(event).__name__
    fact: dict[str, Any] = {
        "reference": getattr(event, "reference", None),
        "kind": KIND_OF[name],
        "at": iso(event.at),
        "user": event.user,
        "acting_agency": event.agency,
    }
    text = TEXT.get(name)
    fact["text"] = getattr(event, text) if text else None
    for column, attr in OWN.get(name, ()):
        value = getattr(event, attr)
        fact[column] = iso(value) if column in INSTANTS else value
    return fact


@dataclass(frozen=True)
class TaskingState:
    tasking: str
    tasked_agency: str
    owner: str | None
    action: str
    due: str
    raised_at: str
    raised_by: str
    status: str = "open"
    completed_at: str | None = None
    result: str | None = None


@dataclass(frozen=True)
class CaseState:
    reference: str
    received_at: str
    occurred_at: str
    source: str
    channel: str
    category: str
    area: str
    location: str
    reporter: str | None
    victim: str | None
    feedback: str
    risk: str
    risk_since: str
    summary: str
    reported_by: str
    reporting_agency: str
    status: str = "open"
    closed_at: str | None = None
    closed_reason: str | None = None
    lead: str | None = None
    taskings: Mapping[str, TaskingState] = field(default_factory=dict)
    links: tuple[Mapping[str, str], ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()  # the facts folded, in order
    lat: float | None = None
    lon: float | None = None
    last_update: str | None = None  # the latest effective time the reporter was updated
    action_times: tuple[str, ...] = ()  # when each thing the reporter should hear about was done

    @property
    def location_key(self) -> str:
        return location_key(self.location)

    def owed(self) -> tuple[str, str | None, int] | None:
        """Feedback owed: (owed since, the first action after the last update or None, how many
        actions since it); None when the reporter is not owed (`tasking.queries.feedback`).

        An update at the same effective time as an action answers it; a reporter never updated is
        owed from the report itself."""
        if self.feedback not in ("resident", "report-back"):
            return None
        pending = [t for t in self.action_times if self.last_update is None or t > self.last_update]
        since = min(pending) if pending else None
        if self.last_update is None:
            return self.received_at, since, len(pending)
        return None if since is None else (since, since, len(pending))

    @property
    def is_open(self) -> bool:
        return self.status == "open"


_VALUES: tuple[str, ...] = ()  # CaseState's plain fields, set below the class


class _Draft:
    """A state being folded: the fold's one set of rules works on this, then freezes it."""

    __slots__ = ("values", "taskings", "links", "rows")

    def __init__(
        self,
        values: dict[str, Any],
        taskings: dict[str, dict[str, Any]],
        links: list[Mapping[str, str]],
        rows: list[Mapping[str, Any]],
    ) -> None:
        self.values, self.taskings, self.links, self.rows = values, taskings, links, rows

    @classmethod
    def of(cls, state: CaseState) -> _Draft:
        values = {name: getattr(state, name) for name in _VALUES}
        return cls(
            values, {ref: dict(vars(t)) for ref, t in state.taskings.items()}, list(state.links), list(state.rows)
        )

    def freeze(self) -> CaseState:
        return CaseState(
            **self.values,
            taskings={ref: TaskingState(**t) for ref, t in self.taskings.items()},
            links=tuple(self.links),
            rows=tuple(self.rows),
        )


_VALUES = tuple(f.name for f in dataclasses.fields(CaseState) if f.name not in ("taskings", "links", "rows"))


def _report(fact: Mapping[str, Any]) -> _Draft:
    return _Draft(
        {
            "reference": fact["reference"],
            "received_at": fact["at"],
            "occurred_at": fact["occurred_at"],
            "source": fact["source"],
            "channel": fact["channel"],
            "category": fact["category"],
            "area": fact["area"],
            "location": fact["location"],
            "reporter": fact["reporter"],
            "victim": fact["victim"],
            "feedback": fact["feedback"],
            "risk": fact["risk"],
            "risk_since": fact["at"],
            "summary": fact["text"],
            "reported_by": fact["user"],
            "reporting_agency": fact["acting_agency"],
            "status": "open",
            "closed_at": None,
            "closed_reason": None,
            "lead": None,
            "lat": fact.get("lat"),
            "lon": fact.get("lon"),
            "last_update": None,
            "action_times": (),
        },
        {},
        [],
        [],
    )


def _apply(draft: _Draft | None, fact: Mapping[str, Any]) -> _Draft | None:
    """The rules: what each kind of fact does to a case's state. A fact before the report is ignored."""
    kind = fact["kind"]
    if kind == "report":
        draft = _report(fact)
    if draft is None:
        return None
    draft.rows.append(fact)
    values = draft.values
    if kind == "task":
        draft.taskings[fact["tasking"]] = {
            "tasking": fact["tasking"],
            "tasked_agency": fact["tasked_agency"],
            "owner": fact["owner"],
            "action": fact["text"],
            "due": fact["due"],
            "raised_at": fact["at"],
            "raised_by": fact["user"],
            "status": "open",
            "completed_at": None,
            "result": None,
        }
    elif kind in ("reassign", "complete"):
        # A tasking not raised by this fact's effective time (a reassignment back-dated before it,
        # recorded before the aggregate refused those) changes nothing at that time.
        tasking = draft.taskings.get(fact["tasking"])
        if tasking is None:
            pass
        elif kind == "reassign":
            tasking.update(tasked_agency=fact["tasked_agency"], owner=fact["owner"])
        else:
            tasking.update(status="completed", completed_at=fact["at"], result=fact["text"])
    elif kind in ("risk", "review"):  # an assessment, or a periodic review (`tasking review`)
        values["risk"], values["risk_since"] = fact["risk"], fact["at"]
    elif kind == "link":
        draft.links.append({"to": fact["linked_to"], "reason": fact["link_reason"]})
    elif kind == "correct":
        values[CORRECTABLE[fact["field"]]] = fact["value"]
    elif kind == "close":
        values.update(status="closed", closed_at=fact["at"], closed_reason=fact["close_reason"])
    elif kind == "assign":
        values["lead"] = fact["lead"]
    elif kind == "reopen":
        values.update(status="open", closed_at=None, closed_reason=None)
    elif kind == "update-reporter":
        values["last_update"] = max(values["last_update"] or fact["at"], fact["at"])
    if kind in FEEDBACK_ACTIONS:
        values["action_times"] = (*values["action_times"], fact["at"])
    return draft


def fold(facts: Iterable[Mapping[str, Any]]) -> CaseState | None:
    """One case's state after these facts (in recorded order); None before its report."""
    draft: _Draft | None = None
    for fact in facts:
        draft = _apply(draft, fact)
    return None if draft is None else draft.freeze()


def fold_cases(facts: Iterable[Mapping[str, Any]]) -> dict[str, CaseState]:
    """Many cases' facts, interleaved in recorded order, folded into each case's state by reference."""
    drafts: dict[str, _Draft] = {}
    for fact in facts:
        ref = fact["reference"]
        draft = _apply(drafts.get(ref), fact)
        if draft is not None:
            drafts[ref] = draft
    return {ref: draft.freeze() for ref, draft in drafts.items()}


def step(state: CaseState | None, fact: Mapping[str, Any]) -> CaseState | None:
    """The state after one more fact: `fold(facts + [fact]) == step(fold(facts), fact)`."""
    draft = _apply(None if state is None else _Draft.of(state), fact)
    return None if draft is None else draft.freeze()
