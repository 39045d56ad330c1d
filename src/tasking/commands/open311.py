"""A report from Open311 (FixMyStreet): recorded through the usual report handler (`new_case`), with
its reporter as a person record and its idempotency key, all in one save."""

from __future__ import annotations

import math
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from pydantic import ConfigDict, model_validator

from tasking.commands.base import Code, Command, Narrative, Text, absent_or_null, present
from tasking.commands.case.report import Latitude, Longitude, RecordReport, new_case
from tasking.commands.loading import acting
from tasking.commands.registry import handler
from tasking.config import PartnershipConfig
from tasking.errors import DomainError
from tasking.domain.open311 import Open311Request, open311_request_id
from tasking.domain.person import Person
from tasking.domain.permissions import restricted_categories


class RecordOpen311Report(Command):
    """`POST /open311/v2/requests.json`; `key` is `fixmystreet:ID` or `request:ID`, or None."""

    # Said in the API's schema too: a map point (lat and lon) or an address, and never half a point.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {"anyOf": [present({"lat": "number", "lon": "number"}), absent_or_null("lat", "lon")]},
                {"anyOf": [present({"lat": "number", "lon": "number"}), present({"address_string": "string"})]},
            ]
        }
    )

    key: Text | None = None
    service_code: Code
    lat: Latitude | None = None
    lon: Longitude | None = None
    address_string: Narrative | None = None
    description: Narrative
    email: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    phone: Text | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> RecordOpen311Report:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat: give both lat and long, or neither")
        if self.lat is None and not self.address_string:
            raise ValueError("lat: give lat and long, or address_string")
        return self


def accepted(config: PartnershipConfig, code: str) -> bool:
    """Accepted from the public channel: listed in `[open311] public_categories`, and never restricted."""
    return (
        code in config.categories
        and code in config.open311.public_categories
        and code not in restricted_categories(config)
    )


def area_of(config: PartnershipConfig, address: str | None, lat: float | None, lon: float | None) -> str:
    """The partnership's rule: an area named in the address; else the nearest `[open311] area_centres`."""
    text = (address or "").casefold()
    named = [area for area in config.areas.names if area.casefold() in text]
    if named:
        return max(named, key=len)  # "West Kingsdown" rather than a shorter name inside it
    centres = config.open311.area_centres
    if lat is not None and lon is not None and centres:
        return min(
            centres,
            key=lambda area: math.dist(
                (lat, lon * math.cos(math.radians(lat))),
                (centres[area][0], centres[area][1] * math.cos(math.radians(lat))),
            ),
        )
    raise DomainError(
        "address_string", "names none of the partnership's areas, and no point near an area centre was given"
    )


@handler
def record_open311_report(app: Any, cmd: RecordOpen311Report) -> dict[str, Any]:
    if cmd.key:
        try:
            return {"case": app.repository.get(open311_request_id(cmd.key)).case, "repeated": True}
        except AggregateNotFoundError:
            pass
    login, agency = acting(app, cmd)
    config = app.config
    if not accepted(config, cmd.service_code):
        raise DomainError("service_code", f"{cmd.service_code!r} is not a service accepted from the public channel")
    area = area_of(config, cmd.address_string, cmd.lat, cmd.lon)
    saved: list[Any] = []
    reporter = None
    name = " ".join(part for part in (cmd.first_name, cmd.last_name) if part)
    if name or cmd.email or cmd.phone:
        people = app.sequence("people")
        reporter = f"PER-{people.next():05d}"
        saved += [
            people,
            Person(
                reference=reporter,
                name=name or "(not given)",
                phone=cmd.phone,
                email=cmd.email,
                address=None,
                user=login,
                agency=agency,
                at=cmd.effective,
            ),
        ]
    location = cmd.address_string or f"{cmd.lat:.5f}, {cmd.lon:.5f}"
    report = RecordReport(
        user=cmd.user,
        at=cmd.at,
        source=agency,
        channel="online",
        category=cmd.service_code,
        area=area,
        location=location,
        occurred_at=cmd.at,
        reporter=reporter,
        anonymous=reporter is None,
        summary=cmd.description,
        lat=cmd.lat,
        lon=cmd.lon,
    )
    sequence, case = new_case(app, report, login, agency, new_people=(reporter,) if reporter else ())
    saved += [sequence, case]
    if cmd.key:
        saved.append(
            Open311Request(
                key=cmd.key,
                case=case.reference,
                service_code=cmd.service_code,
                user=login,
                agency=agency,
                at=cmd.effective,
            )
        )
    else:
        saved.append(
            Open311Request(
                key=f"case:{case.reference}",
                case=case.reference,
                service_code=cmd.service_code,
                user=login,
                agency=agency,
                at=cmd.effective,
            )
        )
    app.save(*saved)
    return {"case": case.reference}
