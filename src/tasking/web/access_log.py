"""The access log of a web worker, group-committed (issue 22, item 5).

Every read of case details and every refusal is an event in the store (`tasking.domain.access`).
Written by each request on its own, sixteen readers at once made sixteen write transactions,
each taking the store's write lock (and the hash chain's) and its own fsync, one after another.
Here one thread per worker writes every entry pending at that moment in one transaction (one
lock, one fsync), with an app of its own, so the borrowed app stays a reader.

No entry is lost: a request hands its entry over and waits until the transaction holding it has
committed; only then does its response go out. A crash after the commit loses a response, never
an entry; a crash before it loses both; a failed commit fails every request that waited on it.
`TASKING_ACCESS_LOG_FAULT=after-commit` (tests only) exits the process between the commit and the
responses, as `TASKING_NOTIFY_FAULT` does for e-mail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

FAULT = "TASKING_ACCESS_LOG_FAULT"


class AccessLogWriter:
    """Entries from many request threads, committed together by one writer thread."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build  # makes the writer's own `Services` on first use
        self._pending: list[tuple[Any, Future[None]]] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def write(self, *entries: Any) -> None:
        """Record these entries; returns once they are committed (or raises why they were not)."""
        done: Future[None] = Future()
        with self._wake:
            self._pending.extend((entry, done) for entry in entries)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
                self._thread.start()
            self._wake.notify()
        done.result()

    def _run(self) -> None:
        services = None
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if not self._pending:  # closed, and nothing left: a later entry starts a new writer
                    self._thread = None
                    break
                batch, self._pending = self._pending, []
            waiting = list(dict.fromkeys(done for _, done in batch))
            try:
                services = services or self._build()
                services.app.write(*(entry for entry, _ in batch))  # one transaction for them all
            except BaseException as exc:  # noqa: BLE001 - handed to every request that waited
                for done in waiting:
                    done.set_exception(exc)
                if services is not None:
                    services.close()
                    services = None
                continue
            if os.environ.get(FAULT) == "after-commit":
                os._exit(75)  # the entries are committed; no response has been sent
            for done in waiting:
                done.set_result(None)
        if services is not None:
            services.close()

    def close(self) -> None:
        """Commit what is pending, then stop the writer (the app's shutdown). An app started again
        (as a test client does per use) starts a new writer with its next entry."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._wake:
            self._closed = False
