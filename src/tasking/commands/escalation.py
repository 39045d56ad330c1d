"""Commands on the partnership's escalation routes: ASB case reviews, Task and Finish groups and
the Community MARAC. One frozen record per intention; names follow the CLI (`case-review apply`
is `CaseReviewApply`, handled by `case_review_apply`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref, Text

DecisionOutcome = Literal["review", "no-review"]


# --- ASB case review -----------------------------------------------------------------------


class CaseReviewApply(Command):
    """An application for an ASB case review: `at` is when it was received."""

    applicant: Ref
    on_behalf_of: Ref | None = None
    cases: tuple[Ref, ...] = ()


class ReviewCommand(Command):
    review: Ref


class CaseReviewAcknowledge(ReviewCommand):
    note: Narrative | None = None


class CaseReviewAssess(ReviewCommand):
    """Assess the threshold as the record stands at `at`."""


class CaseReviewDecide(ReviewCommand):
    outcome: DecisionOutcome
    reason: Narrative


class CaseReviewHold(ReviewCommand):
    note: Narrative | None = None


class CaseReviewRecommend(ReviewCommand):
    """A recommendation to a named agency: it becomes a tasking on one of the applicant's cases."""

    agency: Code
    action: Narrative
    due: dt.date
    case: Ref | None = None


class CaseReviewRespond(ReviewCommand):
    note: Narrative


class CaseReviewClose(ReviewCommand):
    note: Narrative | None = None


# --- Task and Finish groups ------------------------------------------------------------------


class TfgOpen(Command):
    focus: Narrative
    area: Text
    cases: tuple[Ref, ...] = ()
    reason: Narrative


class GroupCommand(Command):
    group: Ref


class TfgAddCase(GroupCommand):
    case: Ref


class TfgAction(GroupCommand):
    """An action of the group: a tasking owned by the group."""

    agency: Code
    action: Narrative
    due: dt.date


class TfgCompleteAction(GroupCommand):
    action: Ref
    result: Narrative


class TfgMeet(GroupCommand):
    note: Narrative


class TfgComplete(GroupCommand):
    outcome: Narrative


# --- Community MARAC -------------------------------------------------------------------------


class MaracMeetingsAdd(Command):
    """A Community MARAC meeting: `at` is when it is held."""


class MaracActionItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: Code
    action: Narrative
    due: dt.date


class MaracDiscuss(Command):
    case: Ref
    meeting: dt.date
    outcome: Narrative
    actions: tuple[MaracActionItem, ...] = ()
    review_at: dt.date | None = None
    discharge: bool = False

    # Said in the API's schema too: a review date or a discharge, not both.
    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "required": ["review_at", "discharge"],
                "properties": {"review_at": {"type": "string"}, "discharge": {"const": True}},
            }
        }
    )

    @model_validator(mode="after")
    def _review_or_discharge(self) -> MaracDiscuss:
        if self.review_at is not None and self.discharge:
            raise ValueError("review-at: give either --review-at DATE or --discharge, not both")
        return self
