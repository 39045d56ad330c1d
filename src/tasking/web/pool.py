"""A few `Services` per worker process, each used by one request at a time.

An application instance is not shared between threads (a handler's deferred saves live on it), so
each request borrows one from here, in the thread pool: requests never block the event loop on
the store. Views catch up per borrowed instance, as separate CLI processes do.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.web.problems import problem_for


class ServicesPool:
    def __init__(self, settings: Settings, size: int = 4) -> None:
        self.settings = settings
        self._idle: queue.LifoQueue[Services] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    @contextmanager
    def borrow(self) -> Iterator[Services]:
        """One services instance for this request; dropped (and rebuilt next time) after a store failure."""
        with self._slots:
            try:
                services = self._idle.get_nowait()
            except queue.Empty:
                services = bootstrap(self.settings)
            healthy = True
            try:
                yield services
            except BaseException as exc:
                healthy = problem_for(exc).status not in (500, 503)
                raise
            finally:
                if healthy:
                    self._idle.put(services)
                else:
                    with contextlib.suppress(Exception):  # a broken connection may fail to close
                        services.close()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
