"""A mobile CCTV camera (an asset) and its deployments: location, area, map point, from and to,
and the reason (a repeat flag, a case or a Task and Finish group); later, the cases a deployment
led to. A camera is in one place at a time. Never rename these classes or their events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.errors import DomainError
from tasking.domain.ids import year_record_id

REASONS = ("flag", "case", "group")


class Camera(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Added: ClassVar[type[Aggregate.Created]]
        Deployed: ClassVar[type[Aggregate.Event]]
        Linked: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(reference: str, **_: Any) -> object:
        return year_record_id("cameras", reference)

    @event("Added")
    def __init__(self, reference: str, description: str, user: str, agency: str, at: dt.datetime) -> None:
        self.reference = reference
        self.deployments: dict[str, dict[str, Any]] = {}

    def deploy(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        location: str,
        area: str,
        lat: float | None,
        lon: float | None,
        start: dt.date,
        end: dt.date,
        reason_kind: str,
        reason: str,
    ) -> str:
        if end < start:
            raise DomainError("to", f"{end.isoformat()} is before --from {start.isoformat()}")
        if reason_kind not in REASONS:
            raise DomainError("reason", f"unknown reason kind {reason_kind!r}; known: {', '.join(REASONS)}")
        for name, found in self.deployments.items():
            if start <= dt.date.fromisoformat(found["to"]) and dt.date.fromisoformat(found["from"]) <= end:
                raise DomainError(
                    "from",
                    f"{self.reference} is deployed at {found['location']} from {found['from']} "
                    f"to {found['to']} ({name}); one place at a time",
                )
        number = f"D{len(self.deployments) + 1}"
        self._deployed(
            user=user,
            agency=agency,
            at=at,
            deployment=number,
            location=location,
            area=area,
            lat=lat,
            lon=lon,
            start=start.isoformat(),
            end=end.isoformat(),
            reason_kind=reason_kind,
            reason=reason,
        )
        return number

    def link(self, user: str, agency: str, at: dt.datetime, deployment: str, case: str) -> None:
        if deployment not in self.deployments:
            known = ", ".join(self.deployments) or "none"
            raise DomainError("deployment", f"{self.reference} has no deployment {deployment!r} (deployments: {known})")
        if case in self.deployments[deployment]["cases"]:
            raise DomainError("case", f"{case} is already linked to {self.reference} {deployment}")
        self._linked(user=user, agency=agency, at=at, deployment=deployment, case=case)

    @event("Deployed")
    def _deployed(
        self,
        user: str,
        agency: str,
        at: dt.datetime,
        deployment: str,
        location: str,
        area: str,
        lat: float | None,
        lon: float | None,
        start: str,
        end: str,
        reason_kind: str,
        reason: str,
    ) -> None:
        self.deployments[deployment] = {"location": location, "from": start, "to": end, "cases": []}

    @event("Linked")
    def _linked(self, user: str, agency: str, at: dt.datetime, deployment: str, case: str) -> None:
        self.deployments[deployment]["cases"].append(case)
