"""What every command carries: who acts, and when the thing happened."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import re

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints, field_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=64)]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")


def _no_contact_details(value: str) -> str:
    if _EMAIL.search(value) or _PHONE.search(value):
        raise ValueError("looks like contact details; record them with `tasking person add` and refer to the person")
    return value


# Free text on a case (summary, outcome, note, ...): it goes into events, views and packs, so it
# refuses email addresses and phone numbers, which belong in person records.
Narrative = Annotated[Text, AfterValidator(_no_contact_details)]


class Command(BaseModel):
    """A frozen record of one intention. `at` is the effective time, in UTC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: Code
    at: AwareDatetime

    @field_validator("at", "occurred_at", check_fields=False)
    @classmethod
    def _utc_whole_seconds(cls, value: dt.datetime) -> dt.datetime:
        """Effective times are kept in UTC to the second, so their stored text sorts in time order."""
        return value.astimezone(dt.timezone.utc).replace(microsecond=0)

    @property
    def effective(self) -> dt.datetime:
        return self.at.astimezone(dt.timezone.utc)
