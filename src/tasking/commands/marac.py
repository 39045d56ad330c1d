"""The Community MARAC, `tasking marac ...`: its meetings (`MaracMeetingsAdd`) and a case's
discussion at one (`MaracDiscuss`), whose actions become taskings on the case in the same save."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, model_validator

from tasking.commands.base import Code, Command, Narrative, Ref
from tasking.commands.loading import acting, load
from tasking.commands.registry import Result, handler
from tasking.domain.marac import MaracMeeting
from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.time.instants import local_date


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


def get_meeting(app: TaskingApp, day: str) -> MaracMeeting:
    return load(app, MaracMeeting, day, "meeting", "Community MARAC meeting on")


@handler
def marac_meetings_add(app: TaskingApp, cmd: MaracMeetingsAdd) -> Result:
    login, agency = acting(app, cmd)
    day = local_date(cmd.effective).isoformat()
    if MaracMeeting.create_id(day) in app.repository:
        raise DomainError("at", f"a Community MARAC meeting is already scheduled on {day}")
    app.save(MaracMeeting(meeting_day=day, user=login, agency=agency, at=cmd.effective))
    return {"meeting": day}


@handler
def marac_discuss(app: TaskingApp, cmd: MaracDiscuss) -> Result:
    """The case's discussion at a meeting; each action becomes a tasking on the case, raised at the meeting."""
    login, agency = acting(app, cmd)
    meeting = get_meeting(app, cmd.meeting.isoformat())
    case = app.get_case(cmd.case)
    for item in cmd.actions:
        app.config.check_agency(item.agency, "action")
    taskings = [
        case.raise_tasking(login, agency, meeting.meeting_at, item.agency, None, item.action, item.due)
        for item in cmd.actions
    ]
    meeting.discuss(login, agency, case.reference, cmd.outcome, taskings, cmd.review_at, cmd.discharge)
    app.save(meeting, case)
    return {"meeting": meeting.meeting_day, "case": case.reference, "taskings": taskings}
