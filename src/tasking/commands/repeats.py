"""Answering a repeat flag."""

from __future__ import annotations

from tasking.commands.base import Command, Narrative, Ref


class AcknowledgeFlag(Command):
    """The flag was dealt with (e.g. "victim told of the case review"), for these cases."""

    flag: Ref
    cases: tuple[Ref, ...]
    note: Narrative
