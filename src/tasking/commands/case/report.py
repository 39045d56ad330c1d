"""`RecordReport` / `record_report` / `tasking report`, and `LinkCases` / `link_cases` / `tasking link`.

A report opens a case (`new_case` builds it, also for imported rows and Open311 reports); a link
ties two cases: one incident reported to several agencies, or the same problem reported again.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, Text, absent_or_null, present
from tasking.commands.case.base import CaseCommand
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.case import Case
from tasking.domain.vocabulary import Channel, LinkReason, Risk
from tasking.store.application import TaskingApp
from tasking.time.instants import financial_year_of

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


class LinkCases(CaseCommand):
    to: Ref
    reason: LinkReason


@handler
def record_report(app: TaskingApp, cmd: RecordReport) -> Result:
    login, agency = acting(app, cmd)
    case = new_case(app, cmd, login, agency)
    app.save(*case)
    return {"case": case[1].reference}


def new_case(
    app: TaskingApp, cmd: RecordReport, login: str, agency: str, new_people: tuple[str, ...] = ()
) -> tuple[Any, Case]:
    """Validate a report against the partnership and build its case (unsaved), with its reference.
    `new_people`: people saved in the same transaction as the case (not yet in the store)."""
    config = app.config
    source = config.check_agency(cmd.source, "source")
    config.check_category(cmd.category)
    area = config.check_area(cmd.area)
    for field, person in (("reporter", cmd.reporter), ("victim", cmd.victim)):
        if person and person not in new_people:
            app.get_person(person, field)
    if cmd.no_feedback:
        feedback = "declined"
    elif config.reports_back(source):
        feedback = "report-back"
    elif cmd.anonymous:
        feedback = "anonymous"
    else:
        feedback = "resident"
    year = financial_year_of(cmd.effective)
    sequence = app.sequence(f"cases/{year}")
    reference = f"{config.reference_prefix}-{year}-{sequence.next():05d}"
    case = Case(
        reference=reference,
        user=login,
        agency=agency,
        at=cmd.effective,
        occurred_at=cmd.occurred_at,
        source=source,
        channel=cmd.channel,
        category=cmd.category,
        area=area,
        location=cmd.location,
        reporter=cmd.reporter,
        victim=cmd.victim,
        feedback=feedback,
        risk=cmd.risk,
        summary=cmd.summary,
        lat=None if cmd.lat is None else round(cmd.lat, 6),
        lon=None if cmd.lon is None else round(cmd.lon, 6),
    )
    return sequence, case


@handler
def link_cases(app: TaskingApp, cmd: LinkCases) -> Result:
    login, agency = acting(app, cmd)
    case, other = app.get_case(cmd.case), app.get_case(cmd.to, "to")
    for one, two in ((case, other), (other, case)):  # decide on both before recording either
        one.check_open("link")
        one.check_not_before_received(cmd.effective)
        one.check_can_link(two.reference)
    case.link(login, agency, cmd.effective, other.reference, cmd.reason)
    other.link(login, agency, cmd.effective, case.reference, cmd.reason)
    app.save(case, other)
    return {"case": case.reference, "to": other.reference}
