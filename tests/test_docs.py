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


def test_the_everyday_examples_run_as_written(tmp_path: Path) -> None:
    """The README's set-up, record and look blocks, pasted into a shell on a new store, all succeed."""
    import os
    import subprocess
    import sys

    blocks = []
    for heading in ("### Set up a store", "### Record a case", "### Look at cases"):
        blocks.append(README.split(heading, 1)[1].split("```text\n", 1)[1].split("```", 1)[0])
    script = "".join(blocks)
    for placeholder in (" [--config partnership.toml]", " [--json]", " [--open] [--area Swanley]"):
        script = script.replace(placeholder, "")
    script = re.sub(r"\s+#[^\n]*", "", script)
    env = {**os.environ, "TASKING_STORE": str(tmp_path / "store.db"), "TASKING_LOG_LEVEL": "warning",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("TASKING_USER", None)
    done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "CSU-2017-00002" in done.stdout and "Hextable" in done.stdout


def test_the_readme_permissions_table_is_the_code_s_table() -> None:
    from tasking.domain.permissions import markdown_table

    start = "<!-- permissions table: generated from tasking.domain.permissions.markdown_table() -->\n"
    shown = README.split(start, 1)[1].split("\n<!-- end of permissions table -->", 1)[0]
    assert shown == markdown_table()
