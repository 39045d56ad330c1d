"""Every projection, in one list."""

from tasking.projections.access import AccessLogProjection
from tasking.projections.acknowledgements import AcknowledgementsProjection
from tasking.projections.activity import ActivityProjection
from tasking.projections.briefings import BriefingsProjection
from tasking.projections.cases import CasesProjection
from tasking.projections.dismissals import DismissalsProjection
from tasking.projections.escalations import EscalationsProjection
from tasking.projections.incidents import IncidentsProjection
from tasking.projections.log import LogProjection
from tasking.projections.open311 import Open311Projection
from tasking.projections.outbox import OutboxProjection
from tasking.projections.police import PoliceProjection
from tasking.projections.state import StateProjection
from tasking.projections.taskings import TaskingsProjection
from tasking.projections.users import UsersProjection
from tasking.projections.year import YearProjection

# Activity comes first: it keeps `case_refs`, which the taskings view reads within the same batch.
PROJECTIONS = [
    ActivityProjection,
    CasesProjection,
    TaskingsProjection,
    UsersProjection,
    LogProjection,
    BriefingsProjection,
    EscalationsProjection,
    AcknowledgementsProjection,
    PoliceProjection,
    DismissalsProjection,
    AccessLogProjection,
    OutboxProjection,  # issue 23
    Open311Projection,  # issue 23
    YearProjection,  # the partnership's year (issue 26)
    StateProjection,  # issue 22: cases kept bitemporally
    IncidentsProjection,  # issue 22: incidents kept bitemporally
]
