"""The partnership configuration: agencies, areas, categories, meeting time and service levels.

A default ships with the package (`partnership.toml`); `tasking init --config FILE` replaces it.
The configuration chosen at init is recorded as an event, so every process reads the same one.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tasking.errors import DomainError

ASBType = Literal["personal", "nuisance", "environmental", "non-asb"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Agency(_Frozen):
    name: str
    kind: Literal["partner", "organisation"] = "partner"
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # where its tasking emails go (issue 23)


class Category(_Frozen):
    name: str
    asb_type: ASBType
    restricted: bool = False  # shown in full only to coordinators and involved agencies (issue 12)


class Meeting(_Frozen):
    time: str = "09:00"
    briefing_lead_minutes: int = Field(30, ge=1, le=600)  # the pack is made before the meeting, not at it

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("must be HH:MM in 24-hour local time")
        return f"{int(hours):02d}:{int(minutes):02d}"


class Feedback(_Frozen):
    service_level_working_days: int = Field(10, ge=1)


class RiskReview(_Frozen):
    medium_days: int = Field(28, ge=1)
    high_days: int = Field(14, ge=1)


class Repeats(_Frozen):
    location_reports: int = Field(3, ge=2)
    location_days: int = Field(28, ge=1)
    person_reports: int = Field(2, ge=2)
    person_months: int = Field(6, ge=1)


class CaseReviewDeadlines(_Frozen):
    """Milestone deadlines in working days (England and Wales)."""

    acknowledge: int = Field(5, ge=1)  # after the application is received
    decide: int = Field(10, ge=1)  # after the application is received
    hold: int = Field(25, ge=1)  # after the decision to hold a review
    respond: int = Field(5, ge=1)  # after the review is held


class CaseReviewLocalRules(_Frozen):
    """Local rules a partnership may add; each is off by default."""

    different_complainants: int = Field(0, ge=0)  # N complainants about one location in six months; 0 is off
    hate_incident: bool = False  # a single qualifying hate incident meets the threshold
    hate_categories: tuple[str, ...] = ("hate-incident",)


class CaseReview(_Frozen):
    threshold: int = Field(3, ge=1)
    complaint_within_months: int = Field(1, ge=1)
    application_within_months: int = Field(6, ge=1)
    deadlines: CaseReviewDeadlines = CaseReviewDeadlines()
    local_rules: CaseReviewLocalRules = CaseReviewLocalRules()
    prompt_reports: int = Field(2, ge=2)  # ASB reports by or about one person in six months: tell them of the review


class Retention(_Frozen):
    years_after_closure: int = Field(6, ge=1)


class Notifications(_Frozen):
    """The outbox's emails (issue 23): who they are from and where their links point."""

    sender: str = Field("tasking@localhost", alias="from", pattern=r"^[^@\s]+@[^@\s]+$")
    base_url: str = "http://127.0.0.1:8000"  # the case page is BASE_URL/cases/REFERENCE
    digest: bool = False  # true: one email per agency per send, listing its notifications


class Open311(_Frozen):
    """FixMyStreet's reports in through Open311 GeoReport v2 (issue 23)."""

    source: str = "COUNCIL"  # the agency a report from Open311 is received by
    public_categories: tuple[str, ...] = (
        "fly-tipping",
        "criminal-damage",
        "noise",
        "vehicle-nuisance",
        "street-drinking",
        "youth-nuisance",
    )
    # A report's area: an area named in its address, else the nearest of these centres to its point.
    area_centres: dict[str, tuple[float, float]] = {}


class Areas(_Frozen):
    names: tuple[str, ...]


class PartnershipConfig(_Frozen):
    name: str
    reference_prefix: str = "CSU"
    protective_marking: str = "OFFICIAL-SENSITIVE"  # printed at the top and foot of every page of a pack
    timezone: Literal["Europe/London"] = "Europe/London"
    # Effective times before this are refused. A stored configuration written before the key
    # existed gets the default.
    earliest_date: dt.date = dt.date(2000, 1, 1)
    meeting: Meeting = Meeting()
    feedback: Feedback = Feedback()
    risk_review: RiskReview = RiskReview()
    repeats: Repeats = Repeats()
    case_review: CaseReview = CaseReview()
    retention: Retention = Retention()
    notifications: Notifications = Notifications()
    open311: Open311 = Open311()
    agencies: dict[str, Agency]
    areas: Areas
    categories: dict[str, Category]

    @field_validator("earliest_date")
    @classmethod
    def _not_before_1900(cls, value: dt.date) -> dt.date:
        if value < dt.date(1900, 1, 1):
            raise ValueError("must be 1900-01-01 or later")
        return value

    def check_agency(self, code: str, field: str = "agency") -> str:
        """The agency's own code, whatever the case it was typed in (`wardens` -> `WARDENS`)."""
        for known in self.agencies:
            if known.casefold() == code.strip().casefold():
                return known
        raise DomainError(field, f"unknown agency {code!r}; known: {', '.join(sorted(self.agencies))}")

    def check_area(self, name: str, field: str = "area") -> str:
        for area in self.areas.names:
            if area.casefold() == name.strip().casefold():
                return area
        raise DomainError(field, f"unknown area {name!r}; known: {', '.join(self.areas.names)}")

    def check_category(self, code: str, field: str = "category") -> str:
        if code not in self.categories:
            raise DomainError(field, f"unknown category {code!r}; known: {', '.join(sorted(self.categories))}")
        return code

    def is_asb(self, category: str) -> bool:
        known = self.categories.get(category)
        return known is not None and known.asb_type != "non-asb"

    def reports_back(self, agency: str) -> bool:
        """Organisations and parish councils get a report back, not a resident's update."""
        known = self.agencies.get(agency)
        return known is not None and known.kind == "organisation"


def default_config_text() -> str:
    return resources.files("tasking").joinpath("partnership.toml").read_text(encoding="utf-8")


def parse_config(text: str, source: str = "partnership configuration") -> PartnershipConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("config", f"{source} is not valid TOML: {exc}") from None
    try:
        return PartnershipConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DomainError("config", f"{source}: {where}: {first['msg']}") from None


def read_config_file(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DomainError("config", f"cannot read {path}: {exc.strerror}") from None
