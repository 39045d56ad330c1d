"""The write side: commands (frozen pydantic records), their handlers and the bus."""

from tasking.commands.base import Command
from tasking.commands.briefing import IssueBriefing
from tasking.commands.bus import send
from tasking.commands.case import (
    AssessRisk,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
    Refer,
    ReopenCase,
    UpdateReporter,
    UsePower,
)
from tasking.commands.escalation import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
    MaracDiscuss,
    MaracMeetingsAdd,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
)
from tasking.commands.case import ReviewCase
from tasking.commands.data import DismissDuplicate, ImportReport, RecordPoliceMonth
from tasking.commands.handlers import COMMAND_HANDLERS
from tasking.commands.setup import AddPerson, AddUser, InitStore
from tasking.commands.case import AssignLead
from tasking.commands.repeats import AcknowledgeFlag
from tasking.commands.tokens import EnrolUser, IssueToken, RedeemEnrolment, RevokeToken
from tasking.commands.privacy import ApplyRetention, ErasePerson, PlaceHold, ReleaseHold
from tasking.commands.chain import SealChain

__all__ = [
    "COMMAND_HANDLERS",
    "AddPerson",
    "AddUser",
    "AssessRisk",
    "CloseCase",
    "Command",
    "CompleteTasking",
    "CorrectCase",
    "InitStore",
    "IssueBriefing",
    "LinkCases",
    "RaiseTasking",
    "ReassignTasking",
    "RecordFollowUp",
    "RecordReport",
    "Refer",
    "ReopenCase",
    "UpdateReporter",
    "UsePower",
    "send",
    "CaseReviewAcknowledge",
    "CaseReviewApply",
    "CaseReviewAssess",
    "CaseReviewClose",
    "CaseReviewDecide",
    "CaseReviewHold",
    "CaseReviewRecommend",
    "CaseReviewRespond",
    "MaracDiscuss",
    "MaracMeetingsAdd",
    "ReviewCase",
    "TfgAction",
    "TfgAddCase",
    "TfgComplete",
    "TfgCompleteAction",
    "TfgMeet",
    "TfgOpen",
    "AssignLead",
    "AcknowledgeFlag",
    "DismissDuplicate",
    "ImportReport",
    "RecordPoliceMonth",
    "IssueToken",
    "RevokeToken",
    "EnrolUser",
    "RedeemEnrolment",
    "ApplyRetention",
    "ErasePerson",
    "PlaceHold",
    "ReleaseHold",
    "SealChain",
]
