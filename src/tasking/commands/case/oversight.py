"""Who oversees a case and how its risk is kept under review: `ReviewCase` / `review_case` /
`tasking review` (a periodic risk review) and `AssignLead` / `assign_lead` / `tasking assign`."""

from __future__ import annotations

from tasking.commands.base import Code, Narrative
from tasking.commands.case.base import CaseCommand, on_case
from tasking.commands.loading import acting
from tasking.commands.registry import Result, handler
from tasking.domain.vocabulary import Risk
from tasking.store.application import TaskingApp


class ReviewCase(CaseCommand):
    """A periodic risk review; `level` changes the risk when given."""

    note: Narrative
    level: Risk | None = None


class AssignLead(CaseCommand):
    lead: Code


@handler
def review_case(app: TaskingApp, cmd: ReviewCase) -> Result:
    login, agency = acting(app, cmd)
    case = app.get_case(cmd.case)
    case.review_risk(login, agency, cmd.effective, cmd.level, cmd.note)
    app.save(case)
    return {"case": case.reference, "risk": case.risk}


@handler
def assign_lead(app: TaskingApp, cmd: AssignLead) -> Result:
    lead = app.get_user(cmd.lead, "lead").login
    return on_case(app, cmd, lambda case, *who: case.assign_lead(*who, lead), lead=lead)
