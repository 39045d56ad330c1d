"""A month of police-recorded crime and ASB from data.police.uk: context figures, not cases.

One aggregate per month (its id derives from the month). Importing the month again records a
new `Replaced` event with the whole month's figures; reads take the latest by their position, so
a month is never counted twice, and a read at an earlier position still sees what was there.
`asb` lists each Anti-social behaviour incident as `[lsoa_code, area, lat, lon, location]` (coordinates
are police.uk's anonymised map points, or null); `crimes` counts the other crime types as
`{crime_type: {area: count}}`. No row carries a personal detail: the public data has none.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import police_month_id


class PoliceMonth(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Recorded: ClassVar[type[Aggregate.Created]]
        Replaced: ClassVar[type[Aggregate.Event]]

    @staticmethod
    def create_id(month: str, **_: Any) -> object:
        return police_month_id(month)

    @event("Recorded")
    def __init__(
        self,
        month: str,
        asb: list[list[Any]],
        crimes: dict[str, dict[str, int]],
        files: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.month = month
        self.digest = files

    def replace(
        self,
        asb: list[list[Any]],
        crimes: dict[str, dict[str, int]],
        files: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self._replaced(month=self.month, asb=asb, crimes=crimes, files=files, user=user, agency=agency, at=at)

    @event("Replaced")
    def _replaced(
        self,
        month: str,
        asb: list[list[Any]],
        crimes: dict[str, dict[str, int]],
        files: list[str],
        user: str,
        agency: str,
        at: dt.datetime,
    ) -> None:
        self.digest = files
