"""The errors every layer raises: each names the field and the rule that was broken.

At the bottom of the layers (`docs/layers.md`): `time` and `domain` raise them, and the CLI and
the HTTP API turn them into one-line messages. They are not stored, so they moved here freely.
"""


class DomainError(Exception):
    """A command broke a rule. `field` names the input at fault."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class NotFound(DomainError):
    """A reference names nothing in the store."""
