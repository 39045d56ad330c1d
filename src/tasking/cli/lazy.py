"""The `tasking` group: subcommands imported when first used (their `--help` read from the source),
and every failure turned into one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from typing import Any

import click

from tasking.cli.failures import Refused, name_every_missing_option
from tasking.domain.permissions import Forbidden
from tasking.errors import DomainError

# Subcommands load when used, so that `tasking --help` does not import the whole engine (issue 10,
# item 16). NAME -> "module:attribute"; the attribute defaults to the name with `_` for `-`.
LAZY_COMMANDS = {
    "init": "tasking.cli.setup",
    "users": "tasking.cli.setup",
    "person": "tasking.cli.person",
    **dict.fromkeys(
        (
            "report",
            "link",
            "task",
            "reassign",
            "complete",
            "follow-up",
        ),
        "tasking.cli.cases",
    ),
    **dict.fromkeys(
        (
            "update-reporter",
            "power",
            "refer",
            "risk",
            "correct",
            "close",
            "reopen",
            "assign",
        ),
        "tasking.cli.case_course",
    ),
    "audit": "tasking.cli.reads",
    "show": "tasking.cli.reads",
    "cases": "tasking.cli.reads",
    "briefing": "tasking.cli.briefing",
    "feedback-owed": "tasking.cli.briefing",
    "repeats": "tasking.cli.briefing",
    "projections": "tasking.cli.projections",
    "stats": "tasking.cli.stats",
    "demo": "tasking.cli.demo",
    "scheduler": "tasking.cli.scheduler",
    "store": "tasking.cli.store",
    "case-review": "tasking.cli.case_review",
    "tfg": "tasking.cli.tfg",
    "marac": "tasking.cli.marac",
    "review": "tasking.cli.risk",
    # data in and out (issue 14)
    "import": "tasking.cli.data:import_file",
    "context": "tasking.cli.data",
    "duplicates": "tasking.cli.duplicates",
    "export": "tasking.cli.export",
    "verify": "tasking.cli.verify",  # the hash chain (issue 12)
    "seal-chain": "tasking.cli.verify",  # sealing it on purpose (issue 21)
    "serve": "tasking.cli.web",  # the web (issue 13)
    "access-log": "tasking.cli.access",  # issue 12
    "notify": "tasking.cli.notify",  # the email outbox (issue 23)
    # erasure and retention (issue 12)
    "hold": "tasking.cli.privacy",
    "release": "tasking.cli.privacy",
    "retention": "tasking.cli.privacy",
    # the partnership's year (issue 26)
    "plan": "tasking.cli.plan",
    "activity": "tasking.cli.activity",
    "pact": "tasking.cli.activity",
    "funding": "tasking.cli.funding",
    "cctv": "tasking.cli.cctv",
}
# Subcommands defined apart from their group: GROUP -> ["module:attribute", ...]; a module alone
# adds its subcommands to the group itself when imported (`@briefing.command(...)`).
LAZY_SUBCOMMANDS = {
    "users": ["tasking.cli.tokens"],
    "case-review": ["tasking.cli.case_review_reads"],
    "repeats": ["tasking.cli.flags:acknowledge"],
    "briefing": ["tasking.cli.scheduler"],
    "person": ["tasking.cli.privacy:erase"],
}


def _target(spec: str, name: str) -> tuple[str, str]:
    module, _, attribute = spec.partition(":")
    return module, attribute or name.replace("-", "_")


def _load(spec: str, name: str) -> click.Command:
    module, attribute = _target(spec, name)
    return getattr(importlib.import_module(module), attribute)


@functools.cache
def _docstrings(module: str) -> dict[str, str]:
    """The docstrings of a module's functions, read from its source without importing it."""
    found = importlib.util.find_spec(module)
    if found is None or not found.origin:
        return {}
    with open(found.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    return {node.name: ast.get_docstring(node) or "" for node in tree.body if isinstance(node, ast.FunctionDef)}


def _docstring(spec: str, name: str) -> str:
    module, attribute = _target(spec, name)
    return _docstrings(module).get(attribute, "")


class TaskingGroup(click.Group):
    """Turns every failure into a one-line error and a non-zero exit: never a traceback.

    Its subcommands (`LAZY_COMMANDS`) are imported when first used; `--help` reads their help from
    the source, and `commands` loads them all (for tests and documentation checks).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(LAZY_COMMANDS)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        for name in list(getattr(self, "lazy", {})):
            self.get_command(click.Context(self), name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            command = _load(self.lazy.pop(cmd_name), cmd_name)
            for spec in LAZY_SUBCOMMANDS.get(cmd_name, []):
                module, _, attribute = spec.partition(":")
                loaded = importlib.import_module(module)
                if attribute:
                    assert isinstance(command, click.Group)  # only a group has subcommands to add
                    command.add_command(getattr(loaded, attribute))
            name_every_missing_option(command)
            self._commands[cmd_name] = command
        return self._commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                help_text = click.Command(name, help=_docstring(self.lazy[name], name)).get_short_help_str(limit)
            else:
                help_text = self._commands[name].get_short_help_str(limit)
            rows.append((name, help_text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Forbidden as exc:  # refused by the permission rules: exit code 3
            raise Refused(str(exc)) from None
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the user sees one line; the log keeps the detail
            import structlog

            structlog.get_logger("tasking").error("internal.error", error=type(exc).__name__)
            structlog.get_logger("tasking").debug("internal.error.detail", exc_info=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise click.ClickException(f"internal error: {type(exc).__name__}: {first}") from None
