"""Store builders: the demo's SQLite store built once per test session and copied, for the tests
that read the demo year but are not about building it (those run `tasking demo` themselves)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers.cli import run_cli

TEMPLATE = "district"


def build_demo(folder: Path) -> Path:
    """`tasking demo` into `folder/district.db`, its views beside it; returns the folder."""
    run_cli(
        "demo", "--store", str(folder / f"{TEMPLATE}.db"), env={"TASKING_VIEWS": str(folder / f"{TEMPLATE}.views.db")}
    )
    return folder


def copy_demo(template: Path, folder: Path, name: str = TEMPLATE) -> str:
    """A copy of the demo store built by `build_demo` as `folder/<name>.db`, with everything beside it
    (its key-encryption key, key store and views, as `<name>.kek`, `<name>.views.db`, ...), modes
    kept (owner-only); returns the store's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for found in template.iterdir():
        if found.is_file() and found.name.startswith(f"{TEMPLATE}."):
            shutil.copy2(found, folder / (name + found.name[len(TEMPLATE) :]))
    return str(folder / f"{name}.db")
