"""The `tasking` command line in tests: in this process through `tasking.cli.run` (fast: no
interpreter start-up), or as a real process where the process itself is the subject (kills,
concurrency, servers, the README's commands)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

TASKING = str(Path(sys.executable).with_name("tasking"))
_ONE_AT_A_TIME = threading.Lock()  # the environment and the standard streams belong to the whole process


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a test's command runs in: reads need an acting user too (the demo's and
    `seed_roster`'s coordinator unless a test says), and logs only from warnings up."""
    return {"TASKING_USER": "coordinator", **os.environ, "TASKING_LOG_LEVEL": "warning", **(env or {})}


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """`os.environ` is exactly `env` for the duration, as a subprocess's would be."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _entry_point_umask() -> Iterator[None]:
    """The umask `tasking.cli.main` sets at entry (owner-only), restored afterwards."""
    from tasking.files import owner_only_umask

    previous = os.umask(0o077)  # reading the umask means setting it
    owner_only_umask()  # as the entry point does
    try:
        yield
    finally:
        os.umask(previous)


def _text(stream: io.TextIOWrapper, raw: io.BytesIO) -> str:
    """What was written to `stream` (over `raw`), decoded with universal newlines as
    `subprocess.run(text=True)` does."""
    stream.flush()
    return raw.getvalue().decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def run_in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One command line through the real entry point's `run` in this process: the same exit codes
    and the same stdout and stderr text as the installed `tasking` (an unexpected exception is a
    traceback on stderr and exit code 1, as Python's own top level gives)."""
    from tasking.cli import run

    # Byte-backed streams, so a command that writes bytes to `sys.stdout.buffer` works as in a process.
    out_raw, err_raw = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_raw, encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(err_raw, encoding="utf-8", write_through=True)
    with (
        _ONE_AT_A_TIME,
        _environment(env),
        _entry_point_umask(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = run(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:  # noqa: BLE001  (the interpreter's own top level: a traceback, exit 1)
            traceback.print_exc(file=err)
            code = 1
    return subprocess.CompletedProcess(["tasking", *args], code, _text(out, out_raw), _text(err, err_raw))


def run_cli(
    *args: str, env: dict[str, str] | None = None, check: bool = True, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `tasking` with `args`: in process unless `process` asks for the installed entry point in
    a real subprocess. `check` fails the test on a non-zero exit, showing stdout and stderr."""
    full_env = cli_env(env)
    if process:
        done = subprocess.run([TASKING, *args], capture_output=True, text=True, env=full_env, timeout=300, check=False)
    else:
        done = run_in_process(list(args), full_env)
    if check and done.returncode != 0:
        raise AssertionError(f"tasking {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def invoke(*args: str) -> tuple[int, str, str]:
    """The real entry point's `run` in this process, in the test's own environment: (exit code, stdout,
    stderr). An exception the entry point does not map to an exit code fails the test."""
    from tasking.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


def cli_json(*args: str, env: dict[str, str] | None = None) -> object:
    return json.loads(run_cli(*args, "--json", env=env).stdout)


def report_args(*, reporter: str | None = None, anonymous: bool | None = None, **options: str | None) -> list[str]:
    """`tasking report`'s command line: the COUNCIL's noise report in Swanley received on Saturday
    3 March 2018 unless `options` say otherwise (`occurred="..."` is `--occurred ...`; None leaves an
    option out). Anonymous unless a `reporter` is given; `anonymous=False` says neither."""
    fields = {
        "source": "COUNCIL",
        "category": "noise",
        "area": "Swanley",
        "location": "High Street",
        "occurred": "2018-03-02T21:30",
        "received": "2018-03-03T08:00",
        "summary": "Loud music",
        **options,
    }
    args = ["report"]
    for name, value in fields.items():
        if value is not None:
            args += [f"--{name.replace('_', '-')}", value]
    if reporter is not None:
        args += ["--reporter", reporter]
    elif anonymous is not False:
        args.append("--anonymous")
    return args
