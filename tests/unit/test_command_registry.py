"""The one registry of commands: each command's model sits beside its handler, and the table is
gathered from the topic modules, one handler per command."""

from __future__ import annotations

import types

import pytest

from tasking.commands import COMMAND_HANDLERS, Command
from tasking.commands.registry import Result, gather, handler


def _leaves(kind: type) -> set[type]:
    below = kind.__subclasses__()
    return set().union(*map(_leaves, below)) if below else {kind}


def test_each_command_sits_beside_its_handler():
    apart = {cls.__name__: fn.__module__ for cls, fn in COMMAND_HANDLERS.items() if fn.__module__ != cls.__module__}
    assert apart == {}, "handlers defined away from their command"


def test_every_command_class_has_a_handler():
    """A topic module left out of the gathering would leave its commands without handlers."""
    commands = {cls for cls in _leaves(Command) if cls.__module__.startswith("tasking.commands.")}
    assert commands - set(COMMAND_HANDLERS) == set()


def test_a_handler_is_found_by_the_command_its_cmd_names():
    for cls, fn in COMMAND_HANDLERS.items():
        assert fn.__annotations__["cmd"] in (cls, cls.__name__)


class Ping(Command):
    """A command of this test's own."""


def test_two_handlers_for_one_command_are_refused():
    def first(app: object, cmd: Ping) -> Result:
        return {}

    def second(app: object, cmd: Ping) -> Result:
        return {}

    topic = types.ModuleType("topic")
    for fn in (first, second):
        fn.__module__ = topic.__name__
        setattr(topic, fn.__name__, handler(fn))
    with pytest.raises(TypeError, match="Ping has two handlers"):
        gather(topic)
    del topic.second
    assert gather(topic) == {Ping: first}


def test_a_handler_must_name_the_command_it_handles():
    def unnamed(app: object, cmd: object) -> Result:
        return {}

    with pytest.raises(TypeError, match="annotate `cmd`"):
        handler(unnamed)
