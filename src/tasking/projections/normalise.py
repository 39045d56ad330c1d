"""Location normalisation for repeat detection: the rule is the domain's (`tasking.domain.location`)."""

from tasking.domain.location import location_key

__all__ = ["location_key"]
