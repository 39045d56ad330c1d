"""Every CLI command has help with an example, and is mentioned in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from tasking.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def walk(group: click.Group, prefix: str = "tasking") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += walk(command, path)
    return found


COMMANDS = walk(cli)


def test_there_are_commands_to_check() -> None:
    assert len(COMMANDS) > 20


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    assert command.help and "Example:" in command.help, f"{path} has no example in its help"
    example = command.help.split("Example:", 1)[1]
    assert "tasking" in example, f"{path}'s example does not show a tasking command"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_documented_in_the_readme(path: str, command: click.Command) -> None:
    assert re.search(re.escape(path) + r"(?![\w-])", README), f"{path} is not in README.md"


def test_quickstart_has_exactly_two_shell_commands() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```sh")[1:]
    assert len(blocks) == 2
    commands = [block.split("```", 1)[0].strip() for block in blocks]
    assert "tasking demo" in commands[0] and "pip install ." in commands[0]
    assert '".[test]"' in commands[1] and commands[1].endswith("pytest")
