"""Every projection, in one list."""

from tasking.projections.acknowledgements import AcknowledgementsProjection
from tasking.projections.activity import ActivityProjection
from tasking.projections.briefings import BriefingsProjection
from tasking.projections.cases import CasesProjection
from tasking.projections.escalations import EscalationsProjection
from tasking.projections.log import LogProjection
from tasking.projections.taskings import TaskingsProjection
from tasking.projections.users import UsersProjection
from tasking.projections.police import PoliceProjection
from tasking.projections.dismissals import DismissalsProjection
from tasking.projections.access import AccessLogProjection
from tasking.projections.year import YearProjection

# Activity comes first: it keeps `case_refs`, which the taskings view reads within the same batch.
PROJECTIONS = [
    ActivityProjection,
    CasesProjection,
    TaskingsProjection,
    UsersProjection,
    LogProjection,
    BriefingsProjection,
]
PROJECTIONS.append(EscalationsProjection)
PROJECTIONS.append(AcknowledgementsProjection)
PROJECTIONS += [PoliceProjection, DismissalsProjection]
PROJECTIONS.append(AccessLogProjection)
from tasking.projections.outbox import OutboxProjection  # noqa: E402 - issue 23

PROJECTIONS.append(OutboxProjection)
from tasking.projections.open311 import Open311Projection  # noqa: E402 - issue 23

PROJECTIONS.append(Open311Projection)
PROJECTIONS.append(YearProjection)  # the partnership's year (issue 26)
from tasking.projections.state import StateProjection  # noqa: E402 - issue 22: cases kept bitemporally

PROJECTIONS.append(StateProjection)
from tasking.projections.incidents import IncidentsProjection  # noqa: E402 - issue 22: incidents kept bitemporally

PROJECTIONS.append(IncidentsProjection)
