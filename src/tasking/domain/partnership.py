"""The partnership: its configuration, recorded once at init so every process reads the same."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate, event

from tasking.domain.ids import PARTNERSHIP_ID


class Partnership(Aggregate):
    if TYPE_CHECKING:  # made by `@event` at run time (topics unchanged); declared for type checkers
        Configured: ClassVar[type[Aggregate.Created]]

    @staticmethod
    def create_id(**_: object) -> object:
        return PARTNERSHIP_ID

    @event("Configured")
    def __init__(self, config_toml: str, user: str, agency: str, at: dt.datetime) -> None:
        self.config_toml = config_toml
