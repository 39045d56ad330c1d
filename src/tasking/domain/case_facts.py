"""A case's facts: each stored event on a case as a flat mapping, in the read side's words.

A *fact* has the `activity` view's columns: `kind` (the CLI word, `KIND_OF`), `at`, `user`,
`acting_agency`, `text` (`TEXT`) and the kind's own columns (`OWN`). The one fold
(`tasking.domain.case_state`) folds facts; the `activity` projection writes them as rows. The
event class names here are those in the stored topics: never rename them.
"""

from __future__ import annotations

from typing import Any

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
