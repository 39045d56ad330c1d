"""The write side: commands (frozen pydantic records), each beside its handler in its topic's
module (`case/`, `setup`, `tokens`, `privacy`, `case_review`, `tfg`, `marac`, `briefing`, `data`,
`year/`, ...), the one registry built from them (`handlers.COMMAND_HANDLERS`) and the bus (`send`)."""

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
from tasking.commands.case_review import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
)
from tasking.commands.marac import MaracDiscuss, MaracMeetingsAdd
from tasking.commands.tfg import TfgAction, TfgAddCase, TfgComplete, TfgCompleteAction, TfgMeet, TfgOpen
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
