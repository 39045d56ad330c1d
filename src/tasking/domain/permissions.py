"""Who may do what: one table, role × action → scope. The README's table is rendered from it.

A scope is `any` (every case), `own` (only cases involving the user's agency: it received the
report, or a tasking on the case is for it) or `-` (refused). Actions are named as the CLI names
them. Writes are checked in `tasking.commands.bus.send`, reads when a `Reader` is opened
(`Services.read`) and, for `own`, by the query that loads the case; the HTTP API reuses both.

Restricted cases (`RESTRICTED_CATEGORIES`, categories marked `restricted = true` in the
configuration, and cases with a `RESTRICTED_REFERRALS` referral) are shown in full only to
coordinators and to officers of an agency involved in the case (received, was tasked, or acted:
see `tasking.queries.access`); everyone else gets the case's outline: reference, area, received
date and `restricted: true`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasking.domain.case_records import CaseState
from tasking.domain.command_actions import COMMAND_ACTIONS
from tasking.errors import DomainError

# Which action each write command is checked as (`tasking.domain.command_actions`), re-exported.
__all__ = [
    "ANY",
    "COMMAND_ACTIONS",
    "INTEGRATION",
    "NONE",
    "OWN",
    "RESTRICTED_CATEGORIES",
    "RESTRICTED_REFERRALS",
    "ROLES",
    "RULES",
    "Restriction",
    "SYSTEM",
    "SYSTEM_ACTOR",
    "UNCHECKED",
    "Actor",
    "Forbidden",
    "Unidentified",
    "check",
    "check_case",
    "markdown_table",
    "restricted_categories",
    "scope",
]

ROLES = ("coordinator", "officer", "analyst", "admin", "integration")
ANY, OWN, NONE = "any", "own", "-"

# action: (coordinator, officer, analyst, admin, the decision where the issue is silent)
RULES: dict[str, tuple[str, str, str, str, str]] = {
    # --- writes: users, configuration and the store ---
    "users add": (ANY, NONE, NONE, ANY, "coordinators and admins manage users"),
    "users deactivate": (ANY, NONE, NONE, ANY, "a deactivated user is refused everything"),
    "users role": (ANY, NONE, NONE, ANY, "never one's own role"),
    "users token": (
        ANY,
        ANY,
        ANY,
        ANY,
        "API tokens, issued only to oneself; `users revoke-token`: coordinators and admins anyone's",
    ),
    "users enrol": (ANY, NONE, NONE, ANY, "a one-time code the new user redeems for their own token (`users redeem`)"),
    "store copy": (ANY, NONE, NONE, ANY, "the acting user must be a coordinator or admin in the source store"),
    "seal-chain": (NONE, NONE, NONE, ANY, "admins accept rows that have no chain link, on purpose; recorded"),
    "person add": (ANY, ANY, NONE, NONE, "officers add the reporters of the reports they record"),
    "person erase": (ANY, NONE, NONE, ANY, "admins and coordinators (issue 12)"),
    "retention run": (ANY, NONE, NONE, ANY, "also the scheduler's nightly retention job"),
    "hold": (ANY, NONE, NONE, ANY, "a legal hold; also `release`"),
    # --- writes on cases ---
    "report": (ANY, ANY, NONE, NONE, ""),
    "import": (ANY, NONE, NONE, NONE, "a bulk report from a partner's system: coordinators"),
    "complete": (ANY, OWN, NONE, NONE, "only the agency the tasking is for (or a coordinator)"),
    "follow-up": (ANY, OWN, NONE, NONE, ""),
    "update-reporter": (ANY, OWN, NONE, NONE, ""),
    "power": (ANY, OWN, NONE, NONE, ""),
    "refer": (ANY, OWN, NONE, NONE, ""),
    "task": (ANY, NONE, NONE, NONE, "tasking is the meeting's decision"),
    "reassign": (ANY, NONE, NONE, NONE, ""),
    "link": (ANY, NONE, NONE, NONE, "also `duplicates confirm`"),
    "risk": (ANY, NONE, NONE, NONE, ""),
    "review": (ANY, NONE, NONE, NONE, ""),
    "correct": (ANY, NONE, NONE, NONE, ""),
    "close": (ANY, NONE, NONE, NONE, ""),
    "reopen": (ANY, NONE, NONE, NONE, ""),
    "assign": (ANY, NONE, NONE, NONE, ""),
    "repeats acknowledge": (ANY, NONE, NONE, NONE, ""),
    "duplicates dismiss": (ANY, NONE, NONE, NONE, ""),
    "briefing issue": (ANY, NONE, NONE, NONE, "the scheduler issues packs as `system`, with a coordinator's rights"),
    "context import-police-uk": (ANY, NONE, ANY, NONE, "open data that feeds the figures"),
    "case-review": (ANY, NONE, NONE, NONE, "every `case-review` write: apply, acknowledge, assess, decide, ..."),
    "tfg": (ANY, NONE, NONE, NONE, "every `tfg` write: open, add-case, action, complete-action, meet, complete"),
    "marac": (ANY, NONE, NONE, NONE, "`marac meetings add` and `marac discuss`"),
    "plan": (ANY, NONE, NONE, NONE, "the action plan: `plan add`, `plan update`"),
    "activity": (ANY, OWN, NONE, NONE, "`activity record`: officers only activities their agency led"),
    "pact": (ANY, NONE, NONE, NONE, "`pact add`: a named PACT panel"),
    "funding": (ANY, NONE, NONE, NONE, "`funding grant`, `funding allocate`, `funding spend`"),
    "cctv": (ANY, NONE, NONE, NONE, "`cctv add`, `cctv deploy`, `cctv link`"),
    # --- reads ---
    "show": (ANY, OWN, NONE, NONE, "a case's details; recorded in the access log"),
    "audit": (ANY, OWN, NONE, NONE, "a case's events; recorded in the access log"),
    "cases": (ANY, ANY, ANY, ANY, "restricted cases as outlines; analysts and admins get no location"),
    "briefing": (ANY, ANY, NONE, NONE, "the shared meeting queue; restricted cases as outlines unless involved"),
    "briefing issued": (ANY, ANY, ANY, ANY, "dates and digests only"),
    "feedback-owed": (ANY, ANY, ANY, NONE, "references only"),
    "repeats": (ANY, ANY, NONE, NONE, ""),
    "stats": (ANY, NONE, ANY, NONE, "figures count restricted cases too"),
    "explain": (ANY, NONE, ANY, NONE, "`stats --explain`: analysts get no free text"),
    "export": (ANY, NONE, ANY, NONE, "pseudonymised"),
    "person find": (ANY, ANY, NONE, ANY, "admins find people to erase"),
    "person show": (ANY, ANY, NONE, ANY, "the person's restricted cases as outlines unless involved"),
    "users list": (ANY, NONE, NONE, ANY, ""),
    "case-review list": (ANY, NONE, NONE, NONE, "also `case-review show`"),
    "tfg list": (ANY, ANY, NONE, NONE, "also `tfg show`"),
    "marac agenda": (ANY, ANY, NONE, NONE, "also `marac meetings list`"),
    "duplicates": (ANY, NONE, NONE, NONE, "possible duplicates, with locations"),
    "plan list": (ANY, ANY, ANY, NONE, "also `plan show`"),
    "activity list": (ANY, ANY, ANY, NONE, "also `pact list`; linked restricted cases as outlines"),
    "funding list": (ANY, NONE, ANY, NONE, "the funding table"),
    "cctv list": (ANY, ANY, ANY, NONE, "cameras and deployments; linked restricted cases as outlines"),
    "access-log": (ANY, NONE, NONE, ANY, ""),
    # --- the outbox and Open311 (issue 23) ---
    "notify send": (ANY, NONE, NONE, ANY, "also the scheduler's every-minute job, as `system`; also `notify release`"),
    "notify list": (ANY, NONE, NONE, ANY, "the outbox: references and statuses, never an address"),
    "open311 report": (NONE, NONE, NONE, NONE, "`POST /open311/v2/requests.json`: the `integration` role only"),
    "open311 read": (
        NONE,
        NONE,
        NONE,
        NONE,
        "`GET /open311/v2/requests...` with its `api_key`: only the requests it made",
    ),
}

# The `integration` role (a FixMyStreet install's `api_key`): it may only report through Open311 and
# read what it reported. Every other action is refused to it.
# Like every user, it redeems its own enrolment code for its own token (`users token`: only one's own).
INTEGRATION: dict[str, str] = {"open311 report": ANY, "open311 read": OWN, "users token": ANY}

# Not checked: `init` and `demo` make a new store and its first coordinator (no one acts yet);
# `projections ...` and `scheduler` are operations on the disposable views and the pack folder
# by whoever runs the service. The scheduler's jobs act as SYSTEM, with a coordinator's rights.
UNCHECKED = ("init", "demo", "projections", "scheduler")

SYSTEM = "system"  # the scheduler's identity: not a stored user, a coordinator's rights

RESTRICTED_CATEGORIES = ("domestic-abuse", "vulnerable-adult", "vulnerable-young-person")
RESTRICTED_REFERRALS = ("channel-panel", "da-marac")


def restricted_categories(config: Any) -> set[str]:
    """The categories whose cases are restricted: the fixed three, and any the partnership marks."""
    marked = {code for code, category in config.categories.items() if getattr(category, "restricted", False)}
    return set(RESTRICTED_CATEGORIES) | marked


@dataclass(frozen=True)
class Restriction:
    """Which cases are restricted: made once per read from the configuration (`of`), then asked of
    each case (a restricted category, or a restricted referral among the case's facts)."""

    categories: frozenset[str]

    @classmethod
    def of(cls, config: Any) -> Restriction:
        return cls(frozenset(restricted_categories(config)))

    def __call__(self, case: CaseState) -> bool:
        return case.category in self.categories or any(
            row["kind"] == "refer" and row["referral"] in RESTRICTED_REFERRALS for row in case.rows
        )


class Forbidden(DomainError):
    """The acting user's role does not allow this (CLI exit code 3)."""

    def __init__(self, role: str, action: str, rule: str, case: str | None = None) -> None:
        article = "an" if role[:1] in "aeiou" else "a"
        super().__init__("user", f"{article} {role} may not use `tasking {action}`: {rule}")
        self.role, self.action, self.case = role, action, case


class Unidentified(Forbidden):
    """No stored user acts: none was given, or the login is unknown (refused: exit 3, recorded)."""

    def __init__(self, field: str, rule: str) -> None:
        DomainError.__init__(self, field, rule)
        self.role, self.action, self.case = "-", "-", None


@dataclass(frozen=True)
class Actor:
    """Who acts: a stored user's login, agency, role and whether they are active."""

    login: str
    agency: str | None
    role: str
    active: bool = True

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


SYSTEM_ACTOR = Actor(login=SYSTEM, agency=None, role="coordinator")


def scope(role: str, action: str) -> str:
    """The scope a role has for an action (`any`, `own` or `-`)."""
    if action not in RULES:
        raise KeyError(f"no permission rule for {action!r}")
    if role == "integration":
        return INTEGRATION.get(action, NONE)
    return RULES[action][ROLES.index(role)] if role in ROLES else NONE


def check(actor: Actor, action: str) -> str:
    """The actor's scope for the action; raises `Forbidden` when it is none."""
    if not actor.active:
        raise Forbidden(actor.role, action, f"user {actor.login!r} is deactivated")
    found = scope(actor.role, action)
    if found == NONE:
        allowed = [role for role in ROLES if scope(role, action) != NONE]
        raise Forbidden(actor.role, action, f"only {' or '.join(allowed)} may")
    return found


def check_case(actor: Actor, action: str, case: str, own: bool) -> None:
    """For an `own` scope: the case must involve the actor's agency (`own`)."""
    if check(actor, action) == OWN and not own:
        raise Forbidden(actor.role, action, f"{case} is neither received by nor tasked to {actor.agency}", case)


def markdown_table() -> str:
    """The rules as the README shows them."""
    lines = ["| action | " + " | ".join(ROLES) + " | decision |", "|---|" + "---|" * len(ROLES) + "---|"]
    for action, row in RULES.items():
        lines.append(f"| `{action}` | " + " | ".join((*row[:4], scope("integration", action))) + f" | {row[4]} |")
    return "\n".join(lines)
