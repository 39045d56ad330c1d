"""Commands on the partnership's year (issue 26), one module per CLI topic: the action plan
(`plan`), activities and PACT panels (`activity`), funding (`funding`) and mobile CCTV (`cctv`).
Names follow the CLI (`plan add` is `PlanAdd`, handled by `plan_add`)."""

from tasking.commands.year.activity import ActivityKind, ActivityRecord, PactAdd, panel_reference
from tasking.commands.year.cctv import CctvAdd, CctvDeploy, CctvLink
from tasking.commands.year.funding import FundingAllocate, FundingGrant, FundingSpend, Half, Pounds
from tasking.commands.year.plan import PlanAdd, PlanUpdate, Priority, Status

__all__ = [
    "ActivityKind",
    "ActivityRecord",
    "CctvAdd",
    "CctvDeploy",
    "CctvLink",
    "FundingAllocate",
    "FundingGrant",
    "FundingSpend",
    "Half",
    "PactAdd",
    "PlanAdd",
    "PlanUpdate",
    "Pounds",
    "Priority",
    "Status",
    "panel_reference",
]
