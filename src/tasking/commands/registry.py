"""How a handler is registered: `@handler` beside its command, gathered into one table in one place.

A handler is marked by `@handler`, which reads the command class from its `cmd` annotation (so
the two cannot disagree); `gather` builds `COMMAND_HANDLERS` (`tasking.commands.handlers`) from
the topic modules, in the order given, each module's handlers in the order they are defined.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from tasking.commands.base import Command

Result = dict[str, Any]
Handler = Callable[[Any, Any], Result]
H = TypeVar("H", bound=Handler)

_MARK = "handles"


def handler(fn: H) -> H:
    """Mark `fn` as the handler of the command class its `cmd` parameter is annotated with."""
    annotation = fn.__annotations__.get("cmd")
    kind = getattr(fn, "__globals__", {}).get(annotation) if isinstance(annotation, str) else annotation
    if not (isinstance(kind, type) and issubclass(kind, Command)):
        raise TypeError(f"{fn.__qualname__}: annotate `cmd` with the command class it handles")
    setattr(fn, _MARK, kind)
    return fn


def handled_by(fn: object) -> type[Command] | None:
    """The command class `fn` was marked to handle, if any."""
    return getattr(fn, _MARK, None)


def gather(*modules: ModuleType) -> dict[type[Command], Handler]:
    """Every handler defined in these modules, keyed by its command class; two for one command is refused."""
    table: dict[type[Command], Handler] = {}
    for module in modules:
        for value in vars(module).values():
            kind = handled_by(value)
            if kind is None or getattr(value, "__module__", None) != module.__name__:
                continue
            if kind in table:
                raise TypeError(f"{kind.__name__} has two handlers: {table[kind]} and {value}")
            table[kind] = value
    return table
