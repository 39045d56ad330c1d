"""The read side: projections into a SQLite views database of their own, tracked and rebuildable."""

from tasking.projections.registry import PROJECTIONS
from tasking.projections.runner import Views

__all__ = ["PROJECTIONS", "Views"]
