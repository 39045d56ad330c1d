"""Queueing a resident's email: a `Notification` saved with the update that asks for it."""

from __future__ import annotations

import datetime as dt

from tasking.domain.case import Case
from tasking.errors import DomainError
from tasking.domain.notification import Notification


def queue_resident_email(case: Case, note: str, user: str, agency: str, at: dt.datetime) -> Notification:
    """The reporter must be a person who asked for updates; the address is read when it is sent."""
    if not case.reporter or case.feedback != "resident":
        raise DomainError("send", f"{case.reference} has no reporter who asked for updates (feedback: {case.feedback})")
    return Notification(
        key=f"resident:{case.reference}:{case.version}",
        kind="resident",
        case=case.reference,
        agency_to=None,
        person=case.reporter,
        note=note,
        user=user,
        agency=agency,
        at=at,
    )
