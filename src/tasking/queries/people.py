"""Finding a person for a coordinator: read from the person records themselves, never from views or logs.

Personal details live only in person records (`Person` aggregates), so a search reads their events
from the store. Cases refer to a person only by reference; `person_with_cases` folds them at the
read point.
"""

from __future__ import annotations

import re
from typing import Any

from eventsourcing.utils import get_topic

from tasking.errors import DomainError
from tasking.domain.person import Person
from tasking.queries.access import in_full, outline, record_access, record_read
from tasking.queries.point import Reader
from tasking.queries.state import case_states, references_where
from tasking.store.application import TaskingApp
from tasking.time.instants import iso

BATCH = 1000


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _details(person: Any) -> dict[str, Any]:
    return {
        "person": person.reference,
        "name": person.name,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }


def find_people(
    app: TaskingApp, name: str | None = None, phone: str | None = None, user: str | None = None
) -> list[dict[str, Any]]:
    """People whose name contains `name` (any case) or whose phone number contains `phone`'s digits,
    for a `user` whose role may (`person find`). Each search is recorded in the access log by its
    kind (`by name`, `by phone`) and the references found, never by what was searched for."""
    actor = app.actor(user, "person find")
    app.authorize(actor, "person find")
    if bool(name) == bool(phone):
        raise DomainError("name", "give one of --name TEXT or --phone TEXT")
    wanted_name = (name or "").strip().casefold()
    wanted_phone = _digits(phone or "")
    if phone is not None and len(wanted_phone) < 3:
        raise DomainError("phone", "give at least 3 digits")
    references = []
    start, topic = 0, get_topic(Person.Added)
    while True:
        batch = app.recorder.select_notifications(start, BATCH, topics=[topic], inclusive_of_start=False)
        if not batch:
            break
        for notification in batch:
            added = app.mapper.to_domain_event(notification)
            assert isinstance(added, Person.Added)  # the topic asked for
            references.append(added.reference)
        start = batch[-1].id
    found = []
    for reference in references:
        person = app.get_person(reference)
        if (
            wanted_name
            and wanted_name in (person.name or "").casefold()
            or wanted_phone
            and person.phone
            and wanted_phone in _digits(person.phone)
        ):
            found.append(_details(person))
    shown = ", ".join(person["person"] for person in found) or "none"
    record_access(app, actor, "person find", [], f"search by {'name' if name else 'phone'}; found: {shown}")
    return found


def person_with_cases(reader: Reader, reference: str) -> dict[str, Any]:
    """A person's details and every case on which they are the reporter or the victim, at the point;
    the restricted cases shown in full are recorded in the access log, as `tasking cases` does."""
    reader.app.authorize(reader.actor, "person show")
    person = _details(reader.app.get_person(reference))
    ref = person["person"]
    found = case_states(
        reader.db,
        reader.point,
        references_where(reader.db, reader.point, "kind = 'report' AND (reporter = ? OR victim = ?)", [ref, ref]),
    )
    cases = [  # a restricted case the reader may not see in full: its outline (not even the person's role)
        {
            "case": case.reference,
            "role": "reporter" if case.reporter == ref else "victim",
            "status": case.status,
            "received_at": case.received_at,
            "category": case.category,
            "area": case.area,
        }
        if in_full(reader, case)
        else outline(case)
        for case in sorted(found.values(), key=lambda c: (c.received_at, c.reference))
    ]
    record_read(
        reader,
        "person show",
        [case.reference for case in found.values() if reader.restriction(case) and in_full(reader, case)],
        "restricted cases of a person",
    )
    return {**person, "at": iso(reader.point.at), "position": reader.point.position, "cases": cases}
