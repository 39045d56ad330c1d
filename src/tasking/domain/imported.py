"""A row imported from a partner's system, keyed by that system's own reference.

Its id is derived from the source agency and the row's reference, and it is saved with the case
it opened in the same save, so importing the same file again finds it and writes nothing. Its
digest is a hash of the row's mapped content (never the content itself, which may be personal):
a row whose reference was imported before with another digest is a conflict.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import imported_row_id


class ImportedRow(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Imported: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(source: str, source_reference: str, **_: Any) -> object:
        return imported_row_id(source, source_reference)

    @event("Imported")
    def __init__(
        self, source: str, source_reference: str, digest: str, case: str, user: str, agency: str, at: dt.datetime
    ) -> None:
        self.source = source
        self.source_reference = source_reference
        self.digest = digest
        self.case = case
