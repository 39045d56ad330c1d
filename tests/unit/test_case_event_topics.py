"""The case's stored event topics stay where the log names them, whatever module holds its rules."""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

from tasking.domain.case import Case

# Every event a case records, by the name in its stored topic (`tasking.domain.case:Case.<name>`).
NAMES = (
    "Reported",
    "Linked",
    "TaskingRaised",
    "TaskingReassigned",
    "TaskingCompleted",
    "FollowUpMade",
    "ReporterUpdated",
    "PowerUsed",
    "Referred",
    "RiskAssessed",
    "RiskReviewed",
    "Corrected",
    "Closed",
    "PublicNoteShared",
    "Reopened",
    "LeadAssigned",
)


def test_every_case_event_is_stored_under_its_old_topic() -> None:
    """A store written before the aggregate's rules moved out of `domain/case.py` still loads."""
    for name in NAMES:
        topic = f"tasking.domain.case:Case.{name}"
        assert resolve_topic(topic) is getattr(Case, name)
        assert get_topic(getattr(Case, name)) == topic
