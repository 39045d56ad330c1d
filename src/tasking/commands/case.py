"""Commands on a case: one frozen record per intention."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, Text, absent_or_null, present
from tasking.domain.vocabulary import (
    Channel,
    CloseReason,
    CorrectableField,
    FollowUpKind,
    LinkReason,
    Power,
    ReferralTarget,
    Risk,
    UpdateChannel,
)

# WGS84 degrees, as police.uk and GPS give them; six decimals is about 10 cm.
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class RecordReport(Command):
    """A report received: `at` is when it was received."""

    # What the validator below checks, said in the API's schema: a reporter or anonymous, not both;
    # a map point is both lat and lon, or neither.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "oneOf": [
                        {
                            **present({"reporter": "string"}),
                            "properties": {"reporter": {"type": "string"}, "anonymous": {"const": False}},
                        },
                        {
                            "required": ["anonymous"],
                            "properties": {"anonymous": {"const": True}, "reporter": {"type": "null"}},
                        },
                    ]
                },
                {"anyOf": [present({"lat": "number", "lon": "number"}), absent_or_null("lat", "lon")]},
            ]
        }
    )

    source: Code
    channel: Channel = "phone"
    category: Code
    area: Text
    location: Narrative
    occurred_at: AwareDatetime
    reporter: Ref | None = None
    anonymous: bool = False
    victim: Ref | None = None
    no_feedback: bool = False
    risk: Risk = "standard"
    summary: Narrative
    lat: Latitude | None = None
    lon: Longitude | None = None

    @model_validator(mode="after")
    def _reporter_or_anonymous(self) -> RecordReport:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat: give both --lat and --lon, or neither")
        if self.anonymous and self.reporter:
            raise ValueError("reporter: give either --reporter PERSON or --anonymous, not both")
        if not self.anonymous and not self.reporter:
            raise ValueError("reporter: give --reporter PERSON, or --anonymous")
        if self.occurred_at > self.at:
            raise ValueError("occurred: must not be after the report was received")
        return self


class CaseCommand(Command):
    case: Ref


class LinkCases(CaseCommand):
    to: Ref
    reason: LinkReason


class RaiseTasking(CaseCommand):
    agency: Code
    action: Narrative
    due: dt.date
    owner: Code | None = None


class ReassignTasking(CaseCommand):
    tasking: Ref
    agency: Code | None = None  # None: the agency it is tasked to now keeps it (a new owner only)
    owner: Code | None = None


class CompleteTasking(CaseCommand):
    tasking: Ref
    result: Narrative


class RecordFollowUp(CaseCommand):
    kind: FollowUpKind
    outcome: Narrative


class UpdateReporter(CaseCommand):
    channel: UpdateChannel
    note: Narrative
    public_note: Narrative | None = None  # shared through Open311's servicerequestupdates (issue 23)
    send: bool = False  # with channel `email`: queue the note to the reporter's address through the outbox

    # Said in the API's schema too: only an email update can be sent.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["send"], "properties": {"send": {"const": True}}},
            "then": {"required": ["channel"], "properties": {"channel": {"const": "email"}}},
        }
    )

    @model_validator(mode="after")
    def _send_by_email(self) -> UpdateReporter:
        if self.send and self.channel != "email":
            raise ValueError("send: only an update by --channel email can be sent")
        return self


class UsePower(CaseCommand):
    power: Power


class Refer(CaseCommand):
    to: ReferralTarget


class AssessRisk(CaseCommand):
    level: Risk
    reason: Narrative


class CorrectCase(CaseCommand):
    field: CorrectableField
    value: Narrative
    reason: Narrative


class CloseCase(CaseCommand):
    reason: CloseReason
    note: Narrative | None = None
    complete_taskings: Narrative | None = None  # the result recorded on taskings still open
    reporter_told: UpdateChannel | None = None  # the reporter was told of the closure, by this channel
    public_note: Narrative | None = None  # shared through Open311's servicerequestupdates (issue 23)


class ReopenCase(CaseCommand):
    reason: Narrative


class ReviewCase(CaseCommand):
    """A periodic risk review; `level` changes the risk when given."""

    note: Narrative
    level: Risk | None = None


class AssignLead(CaseCommand):
    lead: Code
