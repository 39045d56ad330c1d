"""What every command carries: who acts, and when the thing happened."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import re
import unicodedata

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

# Blank once stripped is refused: the schema says so, with a character that `str.strip` keeps (spelt
# out, since JSON Schema's `\S` is ECMAScript's, which does not count U+0085 or U+001C-U+001F as space).
_WHITE = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace())
_NOT_BLANK = Field(json_schema_extra={"pattern": f"[^{_WHITE}]"})
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), _NOT_BLANK]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), _NOT_BLANK]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=64), _NOT_BLANK]

_LOGIN = re.compile(r"[a-z0-9._-]{1,64}")


def _login(value: str) -> str:
    """A new login (issue 21, 18): lower-case letters, digits, `.`, `_`, `-`; so no control, bidi or
    zero-width character can make two logins look alike. Old stored logins still load: events are
    not re-validated, only new users are checked."""
    if not _LOGIN.fullmatch(value):
        raise ValueError("a login is 1 to 64 of a-z, 0-9, '.', '_' and '-' (e.g. sgt.jones)")
    return value


# The login of a new user (`users add`, `init --admin`).
Login = Annotated[Code, AfterValidator(_login), Field(json_schema_extra={"pattern": r"^[a-z0-9._-]{1,64}$"})]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")


_AT = re.compile(r"\s*[\[({<]\s*at\s*[\])}>]\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*", re.IGNORECASE)
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s().\-\u2010-\u2015]+(?=\d)")


def contact_view(value: str) -> str:
    """The text as the contact-details screen reads it (issue 21, 20): NFKC (full-width digits and
    letters become ASCII), `[at]`/`(at)` read as `@` and `[dot]` as `.`, and the separators between
    digits dropped, so `0 7 7 0 0 9 0 0 1 2 3` and `jo [at] example [dot] com` are caught too."""
    text = unicodedata.normalize("NFKC", value)
    text = _DOT.sub(".", _AT.sub("@", text))
    return _BETWEEN_DIGITS.sub("", text)


def _no_contact_details(value: str) -> str:
    seen = contact_view(value)
    if _EMAIL.search(seen) or _PHONE.search(seen):
        raise ValueError("looks like contact details; record them with `tasking person add` and refer to the person")
    return value


# Free text on a case (summary, outcome, note, ...): it goes into events, views and packs, so it
# refuses email addresses and phone numbers, which belong in person records.
Narrative = Annotated[Text, AfterValidator(_no_contact_details)]


def absent_or_null(*names: str) -> dict[str, Any]:
    """JSON Schema (the API's OpenAPI): each of these fields absent or null."""
    return {"properties": {name: {"type": "null"} for name in names}}


def present(types: dict[str, str]) -> dict[str, Any]:
    """JSON Schema: each of these fields given, with a value of this JSON type."""
    return {"required": list(types), "properties": {name: {"type": kind} for name, kind in types.items()}}


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
