"""The one definition of a case's state: a pure fold of its facts, in the order they were recorded.

A *fact* is one event on a case as a flat mapping, in the read side's words (the `activity`
view's columns; `tasking.domain.case_facts` maps events to facts). The aggregate (`tasking.domain.case`), the read side (`tasking.queries.state`, over `activity` rows)
and the case review evidence (`tasking.commands.case_review_evidence`, over stored events) all
fold through `fold` and `step`, so the state the write side decides on and the state every read
shows cannot drift apart. Effective time chooses which facts a reader folds; it never reorders
them: the fold applies facts in recorded order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from tasking.domain.case_facts import FEEDBACK_ACTIONS, INSTANTS, KIND_OF, OWN, TEXT, fact_of
from tasking.domain.case_records import CaseState, TaskingState

# What a correction's `field` sets.
CORRECTABLE = {
    "category": "category",
    "area": "area",
    "location": "location",
    "source": "source",
    "occurred": "occurred_at",
}

# The facts' vocabulary (`tasking.domain.case_facts`) and the state's records (`tasking.domain.case_records`)
# are re-exported for the fold's callers.
__all__ = [
    "CORRECTABLE",
    "FEEDBACK_ACTIONS",
    "INSTANTS",
    "KIND_OF",
    "OWN",
    "TEXT",
    "CaseState",
    "TaskingState",
    "fact_of",
    "fold",
    "fold_cases",
    "step",
]


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
