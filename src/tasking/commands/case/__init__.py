"""Commands on a case, one module per job: the report and its links (`report`), taskings
(`taskings`), what is done on an open case (`actions`), closing and reopening (`closing`), and its
lead officer and risk reviews (`oversight`). Each command's model sits beside its handler.

The vocabulary the case forms offer (`Channel`, `Risk`, ...) is re-exported for the CLI and the web.
"""

from tasking.commands.case.actions import (
    AssessRisk,
    CorrectCase,
    RecordFollowUp,
    Refer,
    UpdateReporter,
    UsePower,
)
from tasking.commands.case.base import CaseCommand
from tasking.commands.case.closing import CloseCase, ReopenCase
from tasking.commands.case.oversight import AssignLead, ReviewCase
from tasking.commands.case.report import Latitude, LinkCases, Longitude, RecordReport, new_case
from tasking.commands.case.taskings import CompleteTasking, RaiseTasking, ReassignTasking
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

__all__ = [
    "AssessRisk",
    "AssignLead",
    "CaseCommand",
    "Channel",
    "CloseCase",
    "CloseReason",
    "CompleteTasking",
    "CorrectCase",
    "CorrectableField",
    "FollowUpKind",
    "Latitude",
    "LinkCases",
    "LinkReason",
    "Longitude",
    "Power",
    "RaiseTasking",
    "ReassignTasking",
    "RecordFollowUp",
    "RecordReport",
    "Refer",
    "ReferralTarget",
    "ReopenCase",
    "ReviewCase",
    "Risk",
    "UpdateChannel",
    "UpdateReporter",
    "UsePower",
    "new_case",
]
