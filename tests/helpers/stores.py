"""Store builders: a new store made through the CLI, and the demo's SQLite store built once per test
run and copied, for the tests that read the demo year but are not about building it (those run
`tasking demo` themselves)."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers.cli import run_cli

if TYPE_CHECKING:
    from tasking.bootstrap import Services

TEMPLATE = "district"
_COMPLETE = "complete"  # written last: a folder without it is a build that did not finish


ADMIN = ("--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL")  # `tasking init`'s first user


def cli_store(store: str, views: Path | str | None = None, *init: str) -> dict[str, str]:
    """A new store made by `tasking init` (the COUNCIL's coordinator Sam Patel its first user, with
    `init`'s further options), and the environment that names it: `TASKING_STORE`, `TASKING_VIEWS`
    when `views` is given, and the coordinator as the acting user."""
    env = {"TASKING_STORE": store, "TASKING_USER": "coordinator"}
    if views is not None:
        env["TASKING_VIEWS"] = str(views)
    run_cli("init", *ADMIN, *init, env=env)
    return env


def event_count(store: str) -> int:
    """How many events `store` holds, read through a store of its own (as another process would)."""
    from tasking.bootstrap import Settings, bootstrap

    services = bootstrap(Settings(store=store))
    try:
        return services.app.event_count()
    finally:
        services.close()


_PRINTED = "demo-output.txt"  # what `tasking demo` printed (not copied with the store: no `district.` prefix)


def build_demo(folder: Path) -> Path:
    """`tasking demo` into `folder/district.db`, its views beside it and what it printed in
    `demo-output.txt`; returns the folder."""
    done = run_cli(
        "demo", "--store", str(folder / f"{TEMPLATE}.db"), env={"TASKING_VIEWS": str(folder / f"{TEMPLATE}.views.db")}
    )
    (folder / _PRINTED).write_text(done.stdout, encoding="utf-8")
    return folder


def demo_output(template: Path) -> str:
    """What `tasking demo` printed when it built `template`."""
    return (template / _PRINTED).read_text(encoding="utf-8")


def shared_demo(run_folder: Path) -> Path:
    """The demo built once for the whole run in `run_folder` (the temporary folder that every xdist
    worker of this run shares): the first worker to ask builds it while holding a lock on the folder,
    and the others wait for it rather than build their own. Copy it with `copy_demo`: never write to it."""
    folder = run_folder / "demo-template"
    with open(run_folder / "demo-template.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / _COMPLETE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build_demo(folder)
            (folder / _COMPLETE).touch()
    return folder


def run_folder(basetemp: Path) -> Path:
    """The temporary folder shared by the run: a worker's basetemp is `<run>/popen-gwN`."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def copy_demo(template: Path, folder: Path, name: str = TEMPLATE) -> str:
    """A copy of the demo store built by `build_demo` as `folder/<name>.db`, with everything beside it
    (its key-encryption key, key store and views, as `<name>.kek`, `<name>.views.db`, ...), modes
    kept (owner-only); returns the store's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for found in template.iterdir():
        if found.is_file() and found.name.startswith(f"{TEMPLATE}."):
            shutil.copy2(found, folder / (name + found.name[len(TEMPLATE) :]))
    return str(folder / f"{name}.db")


def anonymous_report(services: Services, day: str, summary: str = "s", source: str = "COUNCIL") -> str:
    """Record through the engine an anonymous noise report on High St, Swanley, of 09:00 on `day`
    (a date), received by `source` at 10:00; returns the case."""
    from tasking.commands import RecordReport, send
    from tasking.time.instants import parse_datetime

    report = RecordReport(
        user="coordinator",
        at=parse_datetime(f"{day}T10:00", "at"),
        source=source,
        category="noise",
        area="Swanley",
        location="High St",
        occurred_at=parse_datetime(f"{day}T09:00", "occurred"),
        anonymous=True,
        summary=summary,
    )
    return send(services.app, report)["case"]
