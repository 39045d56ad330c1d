"""The words of a case that every layer shares: channels, risks, powers, referrals, reasons.

The commands validate against them and the figures count by them (`tasking.queries.stats`), so they
sit in the domain, below both.
"""

from __future__ import annotations

from typing import Literal

Channel = Literal["phone", "email", "online", "in-person", "partner-referral"]
Risk = Literal["standard", "medium", "high"]
FollowUpKind = Literal["visit", "call", "letter", "email"]
UpdateChannel = Literal["phone", "email", "letter", "visit", "report-back"]
Power = Literal[
    "CPW",
    "CPN",
    "CBO",
    "civil-injunction",
    "closure-notice",
    "closure-order",
    "dispersal",
    "fixed-penalty",
    "abc",
    "warning-letter",
]
ReferralTarget = Literal[
    "community-marac",
    "task-and-finish",
    "channel-panel",
    "adult-safeguarding",
    "children-safeguarding",
    "da-marac",
    "mediation",
    "youth-services",
    "substance-services",
]
LinkReason = Literal["same-incident", "same-problem"]
CorrectableField = Literal["category", "area", "location", "occurred", "source"]
CloseReason = Literal["resolved", "no-further-action", "referred-elsewhere", "duplicate"]
