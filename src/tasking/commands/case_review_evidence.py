"""The record an ASB case review assessment looks at, read from the event store itself.

The write side has no index of people to cases, so the applicant's reports are found by one
pass over the stored `Case.Reported` events (an assessment is rare: a handful a year), then each
candidate case, and every case linked to it as the same incident, is read event by event and
folded (by the one fold, `tasking.domain.case_state`) as it stood at the assessment: corrections
and links effective by then, recorded by now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from eventsourcing.utils import get_topic

from tasking.config import PartnershipConfig
from tasking.domain.case import Case
from tasking.domain.case_state import KIND_OF, fact_of, fold
from tasking.domain.ids import case_id
from tasking.domain.qualifying import Complaint, IncidentLink
from tasking.domain.location import location_key
from tasking.store.application import TaskingApp

BATCH = 1000


def _reported_events(app: TaskingApp) -> Iterator[Any]:
    topic = get_topic(Case.Reported)
    start = 0
    while True:
        batch = app.recorder.select_notifications(start, BATCH, topics=[topic], inclusive_of_start=False)
        if not batch:
            return
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
        start = batch[-1].id


def _place(area: str, location: str) -> str:
    return f"{area}|{location_key(location)}"


def _fold(
    app: TaskingApp, config: PartnershipConfig, reference: str, at: dt.datetime, links: list[IncidentLink]
) -> tuple[Complaint | None, list[str]]:
    """One case as it stood at `at` (the one fold of its events effective by then), and the cases
    it is linked to as the same incident by then."""
    stored: list[Any] = list(app.events.get(case_id(reference)))
    events = [
        event
        for event in stored
        if isinstance(event, Case.Reported) or (type(event).__name__ in KIND_OF and event.at <= at)
    ]
    state = fold(fact_of(event) for event in events)
    if state is None:
        return None, []
    linked: list[str] = []
    for event in events:
        if type(event).__name__ == "Linked" and event.reason == "same-incident":
            links.append(IncidentLink(case=reference, to=event.to, at=event.at, recorded_at=event.timestamp))
            linked.append(event.to)
    reported = events[0]
    complaint = Complaint(
        case=reference,
        asb=config.is_asb(state.category),
        reporter=state.reporter,
        victim=state.victim,
        occurred_at=dt.datetime.fromisoformat(state.occurred_at.replace("Z", "+00:00")),
        received_at=reported.at,
        recorded_at=reported.timestamp,
        place=_place(state.area, state.location),
        hate=state.category in config.case_review.local_rules.hate_categories,
    )
    return complaint, linked


def gather(
    app: TaskingApp, config: PartnershipConfig, applicant: str, named: list[str], at: dt.datetime
) -> tuple[list[Complaint], list[IncidentLink]]:
    """The applicant's reports, the named cases, their same-incident links and, for the local rule
    on complainants, the other reports about the same places."""
    wanted = set(named)
    by_place: dict[str, set[str]] = {}
    want_places = bool(config.case_review.local_rules.different_complainants)
    for event in _reported_events(app):
        if applicant in (event.reporter, event.victim):
            wanted.add(event.reference)
        if want_places:
            by_place.setdefault(_place(event.area, event.location), set()).add(event.reference)
    complaints: dict[str, Complaint] = {}
    links: list[IncidentLink] = []
    queue = sorted(wanted)
    while queue:
        reference = queue.pop()
        if reference in complaints:
            continue
        complaint, linked = _fold(app, config, reference, at, links)
        if complaint is None:
            continue
        complaints[reference] = complaint
        queue.extend(ref for ref in linked if ref not in complaints)
    if want_places:
        for place in sorted({c.place for c in complaints.values()}):
            for reference in sorted(by_place.get(place, ())):
                if reference not in complaints:
                    complaint, _ = _fold(app, config, reference, at, links)
                    if complaint is not None:
                        complaints[reference] = complaint
    return list(complaints.values()), links
