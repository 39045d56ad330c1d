"""`tasking serve --workers N` on Linux: N uvicorn servers, each listening on a socket of its own.

uvicorn's multi-worker mode binds one socket in the parent and hands it to every worker, so all
share one accept queue, and the worker that wakes first accepts every connection waiting. Kept
open (keep-alive, as browsers and httpx do), those connections stay with it: with 16 clients on a
100,000-case store, one worker served almost every request while the other idled, so a two-core
server did one core's work (issue 22; uvicorn PR #2472 and gunicorn #2938 describe the same).

Here each worker binds its own socket to the address with SO_REUSEPORT, and the kernel spreads
new connections over the sockets by a hash of their addresses. The kernel lets only sockets of
the same user join the group. The supervisor restarts a worker that dies; a worker that exits
of itself within `STARTUP_S` of its start (a port taken by another program, an app that will not
load) stops the server with the reason instead of restarting for ever. A worker killed by a signal
is always replaced.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from typing import Any

import click

STARTUP_S = 5.0
STOP_S = 30.0


def reuse_port_supported() -> bool:
    """Whether the kernel balances connections over SO_REUSEPORT sockets (Linux does)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) in the port's SO_REUSEPORT group; asyncio listens on it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # IPPROTO_TCP: asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(False)
    return sock


def check_free(host: str, port: int) -> None:
    """A clear error now, not N failing workers, when the address cannot be bound."""
    try:
        listening_socket(host, port).close()
    except OSError as exc:
        raise click.ClickException(f"--port: cannot listen on {host}:{port} ({exc.strerror or exc})") from None


def run_worker(host: str, port: int, options: dict[str, Any]) -> None:
    """One worker (a spawned process): its own socket, then uvicorn's server on it until SIGTERM/SIGINT."""
    import uvicorn

    sock = listening_socket(host, port)
    uvicorn.Server(uvicorn.Config(host=host, port=port, **options)).run(sockets=[sock])


def serve_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Start `workers` processes and keep them running until SIGINT or SIGTERM; then stop them."""
    check_free(host, port)
    spawn = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> tuple[Any, float]:
        process = spawn.Process(target=run_worker, args=(host, port, options), name="tasking-web-worker")
        process.start()
        return process, time.monotonic()

    def stop(signum: int, _frame: Any) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    running = [start() for _ in range(workers)]
    failure = None
    try:
        while not stopping.wait(0.5):
            for n, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if process.exitcode >= 0 and time.monotonic() - started < STARTUP_S:  # not a kill
                    failure = f"a web worker exited with code {process.exitcode} on start-up; see the log above"
                    stopping.set()
                    break
                click.echo(f"a web worker exited with code {process.exitcode}; starting another", err=True)
                running[n] = start()
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_S
        for process, _ in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure is not None:
        raise click.ClickException(failure)
