"""What the partnership's year's commands share: their numbering and money in pence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tasking.store.application import TaskingApp


def next_number(app: TaskingApp, name: str, prefix: str, width: int) -> tuple[Any, str]:
    """The sequence `name` and its next reference (`AP-2024-01`, `CAM-03`)."""
    sequence = app.sequence(name)
    return sequence, f"{prefix}-{sequence.next():0{width}d}"


def pence(amount: Decimal) -> int:
    return int(amount * 100)
