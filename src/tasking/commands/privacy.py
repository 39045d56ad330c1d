"""Commands of erasure and retention: erase a person, hold or release a case, run retention."""

from __future__ import annotations

from typing import Literal

from tasking.commands.base import Command, Narrative, Ref


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
