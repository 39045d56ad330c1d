"""The partnership's escalation routes, as they were imported before commands were grouped by topic:
ASB case reviews (`case_review`), Task and Finish groups (`tfg`) and the Community MARAC (`marac`).
Each command lives beside its handler in its topic module; this module only re-exports them."""

from tasking.commands.case_review import (
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
    DecisionOutcome,
    ReviewCommand,
)
from tasking.commands.marac import MaracActionItem, MaracDiscuss, MaracMeetingsAdd
from tasking.commands.tfg import (
    GroupCommand,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
)

__all__ = [
    "CaseReviewAcknowledge",
    "CaseReviewApply",
    "CaseReviewAssess",
    "CaseReviewClose",
    "CaseReviewDecide",
    "CaseReviewHold",
    "CaseReviewRecommend",
    "CaseReviewRespond",
    "DecisionOutcome",
    "GroupCommand",
    "MaracActionItem",
    "MaracDiscuss",
    "MaracMeetingsAdd",
    "ReviewCommand",
    "TfgAction",
    "TfgAddCase",
    "TfgComplete",
    "TfgCompleteAction",
    "TfgMeet",
    "TfgOpen",
]
