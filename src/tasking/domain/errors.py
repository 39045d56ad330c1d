"""Domain errors: each names the field and the rule that was broken."""


class DomainError(Exception):
    """A command broke a rule. `field` names the input at fault."""

    def __init__(self, field: str, rule: str):
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class NotFound(DomainError):
    """A reference names nothing in the store."""
