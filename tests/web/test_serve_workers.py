"""`tasking serve --workers N` on Linux: each worker listens on a socket of its own (SO_REUSEPORT),
so the kernel spreads connections over the workers instead of one worker accepting them all; a
worker that dies is replaced; a port another program holds is a one-line error (the process is the
subject: real `tasking serve` processes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tasking.bootstrap import Settings, bootstrap
from tests.conftest import TASKING
from tests.helpers.stores import cli_store
from tests.helpers.wait import wait_until
from tests.web.conftest import serving
from tests.web.test_browser import free_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balances on Linux only")


def listeners(port: int) -> dict[int, int]:
    """The processes listening on 127.0.0.1:`port`: {socket inode: pid} (from /proc, as `ss -ltp`)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # 0A: LISTEN
            inodes.add(int(fields[9]))
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and int(target[8:-1]) in inodes:
                    owners[int(target[8:-1])] = int(pid)
        except OSError:  # a process gone, or not ours to read
            continue
    return owners


@pytest.fixture(name="bare")
def fixture_bare(tmp_path: Path):
    """A new SQLite store made by `tasking init` (a socket test needs no second backend)."""
    store, views = str(tmp_path / "store.db"), tmp_path / "views.db"
    cli_store(store, views)
    built = bootstrap(Settings(store=store, views=str(views)))
    yield built
    built.close()


def test_each_worker_listens_on_its_own_socket_and_a_dead_one_is_replaced(bare, tmp_path: Path) -> None:
    with serving(bare, tmp_path, "--workers", "2") as base:
        port = int(base.rsplit(":", 1)[1])
        log = (tmp_path / "serve.err").read_text
        owners = wait_until(
            lambda: (found := listeners(port)) and len(found) == 2 and found, "two listening sockets", log=log
        )
        assert len(set(owners.values())) == 2, owners  # two processes, a socket each (uvicorn's own mode: one)
        # Sixteen keep-alive clients are all answered, whichever worker their connection reached.
        clients = [httpx.Client(base_url=base, timeout=60) for _ in range(16)]
        try:
            assert {client.get("/health").status_code for client in clients} == {200}
        finally:
            for client in clients:
                client.close()
        gone = sorted(owners.values())[0]
        os.kill(gone, signal.SIGKILL)
        replaced = wait_until(
            lambda: (found := listeners(port)) and len(found) == 2 and gone not in found.values() and found,
            "a new worker in place of the killed one",
            log=lambda: f"{log()}\nlistening now: {listeners(port)}; killed {gone}",
        )
        assert len(set(replaced.values())) == 2
        assert httpx.get(f"{base}/health", timeout=60).status_code == 200


def test_a_port_another_program_holds_is_a_one_line_error(bare, tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as held:
        held.bind(("127.0.0.1", port))
        held.listen()
        env = {**os.environ, "TASKING_STORE": bare.settings.store, "TASKING_VIEWS": bare.settings.views_path}
        done = subprocess.run(
            [TASKING, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode != 0
    assert f"--port: cannot listen on 127.0.0.1:{port}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
