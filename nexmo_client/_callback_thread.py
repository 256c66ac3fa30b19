"""The default callback executor of ``_dispatch.Dispatcher``: one daemon thread.

A dispatcher created without a ``callback_executor`` owns one ``_CallbackThread``, named
``<name>-callbacks``. Its thread adds the executor to ``_delivery._thread_state``, so that a
``DispatcherFuture`` raises ``RuntimeError`` instead of blocking that thread. It logs on
``nexmo_client.dispatch``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from nexmo_client._delivery import _thread_state

logger = logging.getLogger("nexmo_client.dispatch")

_STOP = object()


class _CallbackThread:
    """The default callback executor: one daemon thread that runs functions in order.

    It is a plain callable. Its thread starts with the dispatcher's first worker or at the
    first function, whichever comes first. After ``stop()`` it runs the functions it
    already has, then ends, and calling it raises ``RuntimeError``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def __call__(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if self._stopped:
                raise RuntimeError(f"the callback thread {self.name} has stopped")
            self._start_locked()
            self._queue.put(fn)

    def start(self) -> None:
        """Start the thread now, if it has not started, so that it exists before an exit."""
        with self._lock:
            if not self._stopped:
                self._start_locked()

    def _start_locked(self) -> None:
        if self._thread is None:
            thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            # Raises RuntimeError while the interpreter shuts down (Python 3.12 raises it
            # inside atexit hooks too), and when the system is out of threads.
            thread.start()
            self._thread = thread
            logger.debug("Started the callback thread %s", self.name)

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._thread is not None:
                self._queue.put(_STOP)

    def _loop(self) -> None:
        _thread_state.callback_executors.append(self)
        while True:
            fn = self._queue.get()
            if fn is _STOP:
                break
            try:
                fn()  # type: ignore[operator]
            except BaseException:
                # Tasks catch the exceptions of listeners. This also keeps the thread alive
                # when a listener raises SystemExit or KeyboardInterrupt.
                logger.exception("A callback on %s raised an exception", self.name)
        logger.debug("Stopped the callback thread %s", self.name)
