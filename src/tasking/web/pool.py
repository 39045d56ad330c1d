"""A few `Services` per worker process, each used by one request at a time.

An application instance is not shared between threads (a handler's deferred saves live on it), so
each request borrows one from here, in the thread pool: requests never block the event loop on
the store. Views catch up per borrowed instance, as separate CLI processes do (a head check when
nothing was recorded since). The key store (its connection, the KEK and the keys it has read) is
opened once per pool and shared by its instances: no request opens it. Access-log entries go to
the pool's group-committing writer (`tasking.web.access_log`), not through the borrowed app.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.web.access_log import AccessLogWriter
from tasking.web.problems import problem_for

if TYPE_CHECKING:
    from tasking.store.keys import KeyStore


class ServicesPool:
    def __init__(self, settings: Settings, size: int = 4) -> None:
        self.settings = settings
        self._idle: queue.LifoQueue[Services] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._keys: KeyStore | None = None
        self._keys_lock = threading.Lock()
        self.access_log = AccessLogWriter(self._build)  # with an app of its own, built on first use

    def _build(self) -> Services:
        """A new instance; the first one's key store (opened once the store itself has been checked)
        becomes the pool's, and every later instance shares it."""
        with self._keys_lock:
            services = bootstrap(self.settings, keys=self._keys)
            if self._keys is None:
                self._keys = services.app.keys
            services.owns_keys = False  # the pool closes it
            services.app.access_log = self.access_log.write
            return services

    @contextmanager
    def borrow(self) -> Iterator[Services]:
        """One services instance for this request; dropped (and rebuilt next time) after a store failure."""
        with self._slots:
            try:
                services = self._idle.get_nowait()
            except queue.Empty:
                services = self._build()
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
        self.access_log.close()
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break
        with self._keys_lock:
            if self._keys is not None:
                self._keys.close()
                self._keys = None
