"""Retraining while people label: debounced, in a daemon thread, never in a request.

The labeling app calls ``notify_labeled`` after each answer. Once ``retrain_after`` new
labels have arrived and no answer came for ``retrain_debounce_seconds`` (so a fast
annotator is not interrupted by a refresh after every key press), the thread runs
``refresh``. When an annotator runs out of records, ``request_now`` skips both waits so
the next batch is chosen at once. Errors are kept in ``last_error`` and logged; they never
reach a request.
"""

from __future__ import annotations

import logging
import threading
import time

from textloop.config import Project
from textloop.stages.active_learn.refresh import RefreshResult, refresh
from textloop.storage import Store

log = logging.getLogger(__name__)


class BackgroundRefresher:
    def __init__(self, store: Store, project: Project, *, after: int | None = None,
                 debounce: float | None = None, poll: float = 0.25) -> None:
        settings = project.spec.labeling
        self.store = store
        self.project = project
        self.after = settings.retrain_after if after is None else after
        self.debounce = settings.retrain_debounce_seconds if debounce is None else debounce
        self.poll = poll
        self.pending = 0
        self.runs = 0
        self.last_result: RefreshResult | None = None
        self.last_error: BaseException | None = None
        self._last_label = 0.0
        self._urgent = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="textloop-refresh",
                                            daemon=True)
            self._thread.start()

    def notify_labeled(self, n: int = 1) -> None:
        with self._lock:
            self.pending += n
            self._last_label = time.monotonic()
        self._wake.set()

    def request_now(self) -> bool:
        """Refresh on the next poll, without waiting: someone's queue ran dry.

        Only when there is something new to learn from (or nothing was refreshed yet);
        otherwise the last refresh already topped up whatever the pool could give, and
        retraining again would only burn CPU. Returns whether a refresh was requested.
        """
        with self._lock:
            if self.pending == 0 and self.runs > 0:
                return False
            self._urgent = True
        self._wake.set()
        return True

    @property
    def busy(self) -> bool:
        """A refresh is requested or due soon (the app tells the annotator to wait)."""
        with self._lock:
            return self._urgent or self.pending >= self.after

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def due(self) -> bool:
        with self._lock:
            quiet = time.monotonic() - self._last_label >= self.debounce
            return self._urgent or (self.pending >= self.after and quiet)

    def run_once(self) -> RefreshResult | None:
        """Refresh now (what the thread does when due); returns None after an error."""
        with self._lock:
            self.pending = 0
            self._urgent = False
        try:
            self.last_result = refresh(self.store, self.project)
            self.last_error = None
        except Exception as exc:  # a failed refresh must never stop labeling
            self.last_error = exc
            log.exception("background refresh failed")
            return None
        finally:
            self.runs += 1
        return self.last_result

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            if not self._stopping.is_set() and self.due():
                self.run_once()
