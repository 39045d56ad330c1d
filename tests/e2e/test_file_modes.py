"""Every file and folder the engine writes is owner-only (0600/0700), whatever the umask (issue 21, item 4)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasking.cli import run
from tests.helpers.cli import report_args


@pytest.fixture(name="umask", params=[0o022, 0o000], ids=["umask022", "umask000"])
def fixture_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def tasking(*args: str) -> None:
    code = run(list(args))
    assert code == 0, f"tasking {' '.join(args)} exited {code}"


def modes(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` that is not owner-only, with its mode."""
    wide = {}
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode != want:
            wide[str(path.relative_to(folder))] = f"{mode:04o}"
    return wide


def test_every_file_and_folder_the_engine_writes_is_owner_only(
    store: str, tmp_path: Path, umask: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stores, the key store, the views (and their WAL/SHM), the lock and health files, packs,
    reminders, exports, the annual report, an import's errors file and the log file."""
    work = tmp_path / "work"
    os.mkdir(work, 0o700)
    os.chmod(work, 0o700)
    monkeypatch.chdir(work)
    if store.endswith(".db"):
        store = str(work / "store.db")
    monkeypatch.setenv("TASKING_STORE", store)
    monkeypatch.setenv("TASKING_VIEWS", str(work / "views.db"))
    monkeypatch.setenv("TASKING_KEK", str(work / "store.kek"))
    monkeypatch.setenv("TASKING_USER", "coordinator")
    log = str(work / "logs" / "tasking.log")
    os.mkdir(work / "logs", 0o700)
    tasking("--log-file", log, "init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL")
    tasking("--log-file", log, "person", "add", "--name", "Pat Smith", "--phone", "01732 000000")
    tasking(
        "--log-file",
        log,
        *report_args(category="youth-nuisance", location="Azalea Shops", summary="Groups shouting"),
    )
    tasking(
        "task",
        "CSU-2017-00001",
        "--agency",
        "COUNCIL",
        "--action",
        "Patrol",
        "--due",
        "2018-03-05",
        "--at",
        "2018-03-03T09:10",
    )
    tasking("briefing", "issue", "--at", "2018-03-05T09:00", "--output", str(work / "packs" / "daily"))
    tasking("scheduler", "--once", "--at", "2018-03-06T16:30", "--output", str(work / "packs" / "daily"))
    for fmt in ("csv", "json", "xlsx"):
        tasking("export", "cases", "--format", fmt, "--out", str(work / f"cases.{fmt}"))
    tasking("export", "metadata", "--out", str(work / "metadata.json"))
    tasking("stats", "--year", "2017", "--html", "--out", str(work / "report" / "2017"))
    tasking("projections", "rebuild")
    tasking("projections", "verify")
    rows = work / "rows.csv"
    rows.write_text(
        "Case No,Date Reported,ASB Type,Parish,Street,Summary\nW1,not a date,noise,Swanley,High St,s\n",
        encoding="utf-8",
    )
    os.chmod(rows, 0o600)
    mapping = work / "mapping.toml"
    mapping.write_text(
        'system = "X"\nsource = "HOUSING"\n[columns]\nreference = "Case No"\nreceived = "Date Reported"\n'
        'category = "ASB Type"\narea = "Parish"\nlocation = "Street"\nsummary = "Summary"\n',
        encoding="utf-8",
    )
    os.chmod(mapping, 0o600)
    tasking("import", str(rows), "--mapping", str(mapping), "--errors", str(work / "errors.csv"))
    written = {str(p.relative_to(work)) for p in work.rglob("*")}
    assert {
        "views.db",
        "views.db.health.json",
        "cases.xlsx",
        "packs/daily/2018-03-05/briefing.md",
        "report/2017/report.html",
        "logs/tasking.log",
        "errors.csv",
        "packs/daily/2018-03-06/reminders/COUNCIL.md",
        "views.db.lock",
    } <= written
    if store.endswith(".db"):
        assert {"store.db", "store.keys.db"} <= written
    assert modes(work) == {}


def test_a_key_store_that_others_can_read_is_refused_with_the_chmod_to_run(tmp_path: Path, capsys) -> None:
    store = str(tmp_path / "store.db")
    env = ["--store", store]
    tasking(*env, "init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL")
    keys = tmp_path / "store.keys.db"
    os.chmod(keys, 0o644)
    capsys.readouterr()
    assert run([*env, "--user", "coordinator", "users", "list"]) == 1
    error = capsys.readouterr().err.strip()
    assert error == (
        f"Error: keys: {keys} can be read by other users (mode 0644); run `chmod 600 {keys}` and try again"
    )
    os.chmod(keys, 0o600)
    assert run([*env, "--user", "coordinator", "users", "list"]) == 0


def test_making_a_store_owner_only_never_drops_this_process_s_sqlite_locks(tmp_path: Path) -> None:
    """The web server opens a second pooled connection while the first is in use. Narrowing the file
    for it must not open (and close) a descriptor on the database: that drops every POSIX lock this
    process holds, so another process closing its connection checkpoints and deletes the WAL under the
    first, and the first one's later writes are lost to everyone else. Real processes: the other writer
    and the count are other programs, as in production."""
    import subprocess
    import sys

    from tasking.bootstrap import Settings, bootstrap
    from tasking.commands import AddUser, send
    from tasking.time.instants import utcnow
    from tests.conftest import TASKING

    settings = Settings(store=str(tmp_path / "store.db"), views=str(tmp_path / "views.db"))
    env = {**os.environ, "TASKING_STORE": settings.store, "TASKING_VIEWS": settings.views_path}
    subprocess.run(
        [TASKING, "init", "--admin", "coordinator", "--name", "Sam", "--agency", "COUNCIL"],
        env=env,
        check=True,
        capture_output=True,
    )
    first = bootstrap(settings)
    send(first.app, AddUser(user="coordinator", at=utcnow(), login="one", name="One", agency="COUNCIL", role="officer"))
    second = bootstrap(settings)  # the pool's next connection: the store is narrowed again
    try:
        subprocess.run(
            [
                TASKING,
                "--user",
                "coordinator",
                "users",
                "add",
                "two",
                "--name",
                "Two",
                "--agency",
                "COUNCIL",
                "--role",
                "officer",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        send(
            first.app,
            AddUser(user="coordinator", at=utcnow(), login="three", name="Three", agency="COUNCIL", role="officer"),
        )
        count = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys; print(sqlite3.connect(sys.argv[1])"
                ".execute('SELECT count(*) FROM stored_events').fetchone()[0])",
                settings.store,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        assert int(count.stdout) == first.app.event_count()  # every write, seen by another program
    finally:
        second.close()
        first.close()
