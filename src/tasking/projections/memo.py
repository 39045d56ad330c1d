"""Small bounded memories that spare the projections per-event work; each holds only facts.

- `day_and_year`: an instant's local date and financial year, as `local_day_and_year` gives
  them (a unit test holds the two together across clock changes), remembered per local day.
- `References`: a case's reference by its id. A case id is derived from its reference
  (`tasking.domain.ids.case_id`) and never changes, so a remembered pair is true in every store;
  a miss reads the `case_refs` view, as before.

Both forget everything when full, so memory stays flat however large the store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasking.time.instants import LONDON, financial_year_label

LIMIT = 100_000
# Case references remembered: the cases being worked on. More would only make a rebuild's memory
# grow with the store (a miss is one indexed read of `case_refs`).
REFERENCE_LIMIT = 10_000
_days: dict[int, tuple[str, str]] = {}


def day_and_year(value: dt.datetime | None) -> tuple[str | None, str | None]:
    """`local_day_and_year(value)` for a datetime: the same steps, with one conversion to local time
    instead of two, and the day's labels remembered by the local day."""
    if value is None:
        return None, None
    local = value.astimezone(LONDON)
    key = local.toordinal()
    found = _days.get(key)
    if found is None:
        day = local.date()
        found = (day.isoformat(), financial_year_label(day.year if day.month >= 4 else day.year - 1))
        if len(_days) >= LIMIT:
            _days.clear()
        _days[key] = found
    return found


class References:
    """Case id (text) -> reference, learnt from reports and from `case_refs`."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def learn(self, case_id: str, reference: str) -> None:
        known = self._known
        if len(known) >= REFERENCE_LIMIT:
            known.clear()
        known[case_id] = reference

    def of(self, db: Any, case_id: str) -> str:
        found = self._known.get(case_id)
        if found is None:
            found = db.conn.execute("SELECT reference FROM case_refs WHERE case_id = ?", (case_id,)).fetchone()[0]
            self.learn(case_id, found)
        return found


REFERENCES = References()
