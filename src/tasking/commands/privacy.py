"""Erasure and retention: erase a person (`ErasePerson`, `tasking person erase`), hold or release a
case (`PlaceHold`, `ReleaseHold`: `tasking hold`, `tasking release`) and one destruction of
`tasking retention run` (`ApplyRetention`).

A key is destroyed before its erasure is recorded: a retry after a failed save finds it destroyed
and records the erasure then.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from tasking.commands.base import Command, Narrative, Ref
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.erasure import Erasure, LegalHold
from tasking.domain.ids import case_id, person_id
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.store.sealing import holds_plaintext
from tasking.time.instants import months_before


class ErasePerson(Command):
    """Destroy a person's key (their details become `[erased]`) and record the erasure."""

    person: Ref
    reason: Narrative


class PlaceHold(Command):
    """A legal hold: retention leaves the case's free text and its people's details while held."""

    case: Ref
    reason: Narrative


class ReleaseHold(Command):
    case: Ref
    reason: Narrative


class ApplyRetention(Command):
    """One destruction by `tasking retention run`: a person's details or a case's free text."""

    subject: Literal["person", "case"]
    reference: Ref
    reason: Narrative


def erase(
    app: TaskingApp, subject: str, reference: str, rule: str, reason: str, who: tuple[str, str], at: dt.datetime
) -> Result:
    """Destroy the key of a person (their details) or of a case (its free text) and record it."""
    if app.keys is None:
        raise DomainError("store", "this store has no key store; nothing can be erased")
    if subject == "person":
        reference, owner = app.get_person(reference).reference, person_id(reference)
    else:
        reference = app.get_case(reference).reference
        owner = case_id(reference)
    if Erasure.create_id(subject, reference) in app.repository and app.keys.is_destroyed(owner):
        raise DomainError(subject, f"{reference} was already erased")
    if holds_plaintext(app, owner):
        raise DomainError(
            subject,
            f"{reference} was recorded before encryption, so destroying its key would not "
            "erase it; migrate the store first (tasking store copy --from OLD --to NEW)",
        )
    app.keys.destroy([owner], f"{rule}: {reason}")
    if Erasure.create_id(subject, reference) not in app.repository:
        app.save(
            Erasure(subject=subject, reference=reference, rule=rule, reason=reason, user=who[0], agency=who[1], at=at)
        )
    return {subject: reference, "erased": True, "rule": rule}


@handler
def erase_person(app: TaskingApp, cmd: ErasePerson) -> Result:
    return erase(app, "person", cmd.person, "request", cmd.reason, acting(app, cmd), cmd.effective)


@handler
def apply_retention(app: TaskingApp, cmd: ApplyRetention) -> Result:
    """Only what the retention rule selects: a case's text only when it is closed, past the period at
    `at` and not held (whoever sends it; `tasking.retention.due` selects the people, from the views)."""
    if cmd.subject == "case":
        check_due(app, cmd.reference, cmd.effective)
    return erase(app, cmd.subject, cmd.reference, "retention", cmd.reason, acting(app, cmd), cmd.effective)


@handler
def place_hold(app: TaskingApp, cmd: PlaceHold) -> Result:
    login, agency = acting(app, cmd)
    case = app.get_case(cmd.case).reference
    key = LegalHold.create_id(case)
    hold: LegalHold
    if key in app.repository:
        hold = app.repository.get(key)
        hold.place(cmd.reason, login, agency, cmd.effective)
    else:
        hold = LegalHold(case=case, reason=cmd.reason, user=login, agency=agency, at=cmd.effective)
    app.save(hold)
    return {"case": case, "held": True}


@handler
def release_hold(app: TaskingApp, cmd: ReleaseHold) -> Result:
    login, agency = acting(app, cmd)
    case = app.get_case(cmd.case).reference
    key = LegalHold.create_id(case)
    if key not in app.repository:
        raise DomainError("case", f"{case} is not held")
    hold: LegalHold = app.repository.get(key)
    hold.release(cmd.reason, login, agency, cmd.effective)
    app.save(hold)
    return {"case": case, "held": False}


def check_due(app: TaskingApp, reference: str, at: dt.datetime) -> None:
    """Refuse destroying a case's free text unless the retention rule selects it at `at`."""
    case = app.get_case(reference)
    years = app.config.retention.years_after_closure
    closed_at = getattr(case, "closed_at", None)
    if case.status != "closed" or closed_at is None or closed_at > months_before(at, 12 * years):
        raise DomainError(
            "case",
            f"{case.reference} is not due for retention: only a case closed {years} or more "
            "years before is (`tasking retention run --dry-run` lists what is due)",
        )
    if is_held(app, case.reference):
        raise DomainError("case", f"{case.reference} is under a legal hold; retention keeps it until released")


def is_held(app: TaskingApp, case: str) -> bool:
    key = LegalHold.create_id(case)
    return key in app.repository and app.repository.get(key).held
