"""The dispatcher: the worker threads of one client and the delivery of every callback.

Threads, all of them daemon threads named so that they stand out in a thread dump:

- ``<name>-worker-<n>``: up to ``max_workers`` workers, started one at a time as demand grows,
  which run the HTTP work of calls.
- ``<name>-callbacks``: the default callback executor. It runs listeners one at a time in
  completion order, as Android's main thread does, so a slow listener never blocks a worker.
  A custom callback executor replaces it.

Every call gets exactly one of ``on_success(result)`` or ``on_error(error)``, on the callback
executor and never inside the caller's own call; then its Future resolves with the same
outcome. Logger ``nexmo_client.dispatch``: ERROR with a traceback when a listener or the work
of a call raises something unexpected, WARNING when the callback executor cannot run a
delivery, DEBUG for thread starts and stops. Results and tokens are never logged.

This module contains the ``Dispatcher``, its worker pool and the exit hook. The call records,
Futures and deliveries that it passes between threads are in ``_delivery``, and the default
callback thread is in ``_callback_thread``. ``DispatcherFuture`` is re-exported here, so
importers need only this module.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import itertools
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

from nexmo_client import errors
from nexmo_client._callback_thread import _CallbackThread
from nexmo_client._delivery import (
    DispatcherFuture,
    _Call,
    _Delivery,
    _Notification,
    _Task,
    _thread_state,
)
from nexmo_client.errors import NexmoApiError, NexmoCancelledError, NexmoPendingLimitError

__all__ = ["CallbackExecutor", "Dispatcher", "DispatcherFuture", "Listener"]

logger = logging.getLogger("nexmo_client.dispatch")

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

# The total time, in seconds, that the exit hook gives running calls of every dispatcher to
# finish and be delivered, so that a program that never calls close() still exits promptly.
EXIT_GRACE_SECONDS = 1.5


@runtime_checkable
class Listener(Protocol[T_contra]):
    """Any object with ``on_success`` and ``on_error``, such as a ``NexmoRequestListener``."""

    def on_success(self, result: T_contra) -> None: ...

    def on_error(self, error: NexmoApiError) -> None: ...


CallbackExecutor: TypeAlias = concurrent.futures.Executor | Callable[[Callable[[], None]], object]
"""The type of a callback executor: an ``Executor`` or a callable that takes a function."""


class Dispatcher:
    """The worker pool and callback delivery of one client.

    Every public method may be called from any thread. No lock is held while work, a
    listener or the callback executor runs.

    The pool is written by hand rather than with ``ThreadPoolExecutor``, for two reasons.
    Its workers are not daemon threads and the interpreter joins them at exit, so a request
    stuck in a long read timeout would hold the program's exit. And its shutdown cannot hand
    back the work that never ran in a form that lets each listener get its cancelled error.
    """

    def __init__(
        self,
        *,
        name: str = "nexmo-client",
        max_workers: int = 8,
        max_pending: int = 1000,
        callback_executor: CallbackExecutor | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str, not {name!r}")
        _check_positive_int("max_workers", max_workers)
        _check_positive_int("max_pending", max_pending)
        if callback_executor is not None and not (
            isinstance(callback_executor, concurrent.futures.Executor)
            or callable(callback_executor)
        ):
            raise TypeError(
                "callback_executor must be a concurrent.futures.Executor or a callable that "
                f"accepts a zero-argument function, not {type(callback_executor).__name__}"
            )

        self._name = name
        self._max_workers = max_workers
        self._max_pending = max_pending
        self._default_executor: _CallbackThread | None = None
        self._executor: CallbackExecutor
        if callback_executor is None:
            self._default_executor = _CallbackThread(f"{name}-callbacks")
            self._executor = self._default_executor
        else:
            self._executor = callback_executor
        # The identity that DispatcherFuture compares to find the listener thread.
        self._callback_executor: object = self._executor
        # The executor's kind is decided once, rather than by an isinstance on every hand-off.
        self._pool_executor: concurrent.futures.Executor | None = None
        self._function_executor: Callable[[Callable[[], None]], object] | None = None
        if isinstance(self._executor, concurrent.futures.Executor):
            self._pool_executor = self._executor
        else:
            self._function_executor = self._executor

        self._lock = threading.Lock()
        # The wake-up locks of the idle workers, most recently idle last. Each idle worker
        # blocks on acquiring its own lock, which it already holds, until submit() or close()
        # pops and releases it. A Condition would cost more per call, because its wait() and
        # notify() are written in Python and wait() allocates a new lock each time.
        self._idle_wake_locks: list[threading.Lock] = []
        self._all_settled = threading.Condition(self._lock)
        # The number of threads blocked in _wait_settled. A call that settles notifies
        # _all_settled only when it is not zero.
        self._settle_waiters = 0
        # Calls waiting for a worker, and deliveries rerouted from an inline executor.
        self._queue: deque[_Call[Any] | _Task] = deque()
        self._worker_threads: set[threading.Thread] = set()
        self._worker_count = 0  # workers started or being started, and not yet ended
        self._idle_workers = 0
        self._worker_numbers = itertools.count(1)
        self._call_numbers = itertools.count(1)
        self._pending = 0
        self._closed = False
        self._closers = 0  # close() calls still handing out cancelled errors
        self._callbacks_stopped = False

        _track_for_exit(self)

    @property
    def name(self) -> str:
        """The prefix of this dispatcher's thread names, such as ``nexmo-client-1``."""
        return self._name

    @property
    def closed(self) -> bool:
        """Whether ``close()`` has been called."""
        return self._closed

    def submit(
        self,
        work: Callable[[], T],
        listener: Listener[T] | None,
        *,
        name: str | None = None,
    ) -> concurrent.futures.Future[T]:
        """Run ``work()`` on a worker and deliver its outcome to ``listener``, then the Future.

        Returns at once. ``work`` returns the result or raises ``NexmoApiError``; anything
        else it raises is logged as a bug and delivered as an ``error:internal`` error.
        When ``max_pending`` calls are already pending, the call is not queued and the
        listener gets a ``NexmoPendingLimitError``, also on the callback executor. ``name``
        labels the call in log messages (default: the qualified name of ``work``).

        Raises:
            RuntimeError: the dispatcher is closed.
            TypeError: ``work`` is not callable, or ``listener`` lacks a listener method.
        """
        if not callable(work):
            raise TypeError(f"work must be callable, not {type(work).__name__}")
        _check_listener(listener)
        call = self._new_call(work, listener, name)

        with self._lock:
            self._check_open()
            over_limit = self._pending >= self._max_pending
            worker_number = None
            if not over_limit:
                self._pending += 1
                call.counted = True
                self._queue.append(call)
                worker_number = self._reserve_worker()

        if over_limit:
            error = NexmoPendingLimitError(
                f"{self._name} already has {self._max_pending} pending calls, its limit, so "
                f"this call was not queued. Wait for some calls to finish, or create the "
                f"client with a higher max_pending_calls."
            )
            call.future.set_running_or_notify_cancel()
            self._hand_off(_Delivery(self, call, error=error), from_caller=True)
        elif worker_number is not None:
            self._start_worker(worker_number)
        return call.future

    def fail(
        self,
        error: NexmoApiError,
        listener: Listener[T] | None,
        *,
        name: str | None = None,
    ) -> concurrent.futures.Future[T]:
        """Deliver ``error`` to ``listener.on_error``, then to the Future, without any work.

        Returns at once; the listener runs on the callback executor, never inside this call.
        The call does not count against ``max_pending`` and cannot be cancelled.

        Raises:
            RuntimeError: the dispatcher is closed.
            TypeError: ``error`` is not a ``NexmoApiError``, or ``listener`` is not a listener.
        """
        if not isinstance(error, NexmoApiError):
            raise TypeError(f"error must be a NexmoApiError, not {type(error).__name__}")
        _check_listener(listener)
        with self._lock:
            self._check_open()
        call: _Call[T] = self._new_call(None, listener, name or f"failed {error.type} call")
        call.future.set_running_or_notify_cancel()
        self._hand_off(_Delivery(self, call, error=error), from_caller=True)
        return call.future

    def notify(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the callback executor, for connection listener events.

        Returns at once. What ``fn`` raises is logged at ERROR. After ``close()`` the event
        is dropped, with a DEBUG message.
        """
        with self._lock:
            closed = self._closed
        if closed:
            logger.debug("Dropped a connection listener event of %s: it is closed", self._name)
            return
        self._hand_off(_Notification(self, fn), from_caller=True)

    def close(self, *, wait: bool = True) -> None:
        """Stop taking calls, cancel queued ones, and end every thread of this dispatcher.

        Later ``submit`` and ``fail`` calls raise ``RuntimeError``. Each call still queued
        gets one ``NexmoCancelledError``, handed to the callback executor from this thread.
        Calls already running finish and are delivered. Idempotent; safe to call from a
        listener or from work. With ``wait=True`` it waits until the workers have ended and,
        with the default callback executor, until every listener has run and the callback
        thread has ended. It never waits for the thread it is called from, nor for the
        callback thread when called from a worker, because that thread ends after the worker.
        """
        current = threading.current_thread()
        with self._lock:
            first = not self._closed
            self._closed = True
            self._closers += 1
            queued = list(self._queue)
            self._queue.clear()
            self._wake_all_idle_workers()
        if first:
            logger.debug("Closing %s: %d queued calls are cancelled", self._name, len(queued))

        for item in queued:
            if isinstance(item, _Task):
                self._hand_off(item, from_caller=False)
            elif item.future.set_running_or_notify_cancel():
                error = NexmoCancelledError(
                    f"The call was cancelled because {self._name} was closed before its "
                    f"request started."
                )
                self._hand_off(_Delivery(self, item, error=error), from_caller=False)

        with self._lock:
            self._closers -= 1
            stop_callbacks = self._claim_callback_stop()
            workers = [thread for thread in self._worker_threads if thread is not current]
            on_worker = current in self._worker_threads
        if stop_callbacks:
            self._stop_callbacks()
        if not wait:
            return

        for thread in workers:
            thread.join()
        callback_thread = self._default_executor.thread if self._default_executor else None
        if callback_thread is not None and callback_thread is not current and not on_worker:
            callback_thread.join()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (
            f"<Dispatcher {self._name} {state}, {self._pending} pending, "
            f"{self._worker_count} workers>"
        )

    # Calls and the pending count.

    def _new_call(
        self,
        work: Callable[[], T] | None,
        listener: Listener[T] | None,
        name: str | None,
    ) -> _Call[T]:
        number = next(self._call_numbers)
        if name is None:
            name = getattr(work, "__qualname__", type(work).__name__)
        future: DispatcherFuture[T] = DispatcherFuture(self._callback_executor, self._name)
        call = _Call(number, name, self._name, work, listener, future)
        future._on_cancel = lambda: self._on_caller_cancel(call)
        return call

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(
                f"{self._name} is closed, so it accepts no new calls. Create a new client."
            )

    def _release_pending(self, call: _Call[Any]) -> None:
        with self._lock:
            if not call.counted:
                return
            call.counted = False
            self._pending -= 1
            if self._pending == 0 and self._settle_waiters:
                self._all_settled.notify_all()

    def _on_caller_cancel(self, call: _Call[Any]) -> None:
        # The Future is already cancelled, so it counts as resolved: release its place now.
        self._release_pending(call)
        if call.listener is None:
            return
        error = NexmoCancelledError(
            "The call was cancelled by its caller before its request started."
        )
        self._hand_off(_Delivery(self, call, error=error, resolve=False), from_caller=True)

    # The worker pool.

    def _reserve_worker(self) -> int | None:
        """Wake an idle worker, and return a number for a new one if none is free.

        Called with the lock held. A woken worker still counts as idle until it takes the
        lock again, so the queue outgrowing the idle count means some work has no worker.
        """
        if self._idle_wake_locks:
            # Last in, first out: the most recently idle worker is the one whose data is the
            # most likely to be still in a CPU cache.
            self._idle_wake_locks.pop().release()
        if len(self._queue) <= self._idle_workers or self._worker_count >= self._max_workers:
            return None
        self._worker_count += 1
        return next(self._worker_numbers)

    def _start_worker(self, number: int) -> None:
        if self._default_executor is not None:
            # Started with the first worker rather than at the first delivery, because a
            # call that finishes while the interpreter exits may not be able to start it.
            # If it cannot start, the delivery that needs it is logged as lost.
            with contextlib.suppress(RuntimeError):
                self._default_executor.start()
        thread = threading.Thread(
            target=self._work_loop, name=f"{self._name}-worker-{number}", daemon=True
        )
        with self._lock:
            self._worker_threads.add(thread)
        try:
            thread.start()
        except RuntimeError as exc:
            # Python 3.12 raises this for any thread started while the interpreter shuts
            # down, and every version raises it when the system is out of threads.
            self._on_worker_start_failed(thread, exc)
            return
        logger.debug("Started the worker thread %s", thread.name)

    def _on_worker_start_failed(self, thread: threading.Thread, exc: RuntimeError) -> None:
        with self._lock:
            self._worker_threads.discard(thread)
            self._worker_count -= 1
            stranded: list[_Call[Any] | _Task] = []
            if self._worker_count == 0:
                # No worker will ever take these, so they fail now; with live workers the
                # queue simply waits for one of them.
                stranded = list(self._queue)
                self._queue.clear()
            stop_callbacks = self._claim_callback_stop()
        logger.warning(
            "Could not start the worker thread %s (%s); %d queued calls fail",
            thread.name,
            exc,
            len(stranded),
        )
        for item in stranded:
            if isinstance(item, _Task):
                # Running it inline here breaks "never inside the caller's own call", but
                # there is no other thread left to run it on.
                self._hand_off(item, from_caller=False)
            elif item.future.set_running_or_notify_cancel():
                error = NexmoApiError(
                    f"Could not start a worker thread for the call ({exc}). The interpreter is "
                    f"shutting down, or the system has run out of threads.",
                    type=errors.ERROR_INTERNAL,
                )
                error.__cause__ = exc
                self._hand_off(_Delivery(self, item, error=error), from_caller=True)
        if stop_callbacks:
            self._stop_callbacks()

    def _work_loop(self) -> None:
        current = threading.current_thread()
        wake_lock = threading.Lock()
        wake_lock.acquire()
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._wait_for_work(wake_lock)
                if not self._queue:
                    self._worker_threads.discard(current)
                    self._worker_count -= 1
                    stop_callbacks = self._claim_callback_stop()
                    break
                item = self._queue.popleft()
            self._process(item)
        logger.debug("Stopped the worker thread %s", current.name)
        if stop_callbacks:
            self._stop_callbacks()

    def _wait_for_work(self, wake_lock: threading.Lock) -> None:
        """Block until submit() or close() releases ``wake_lock``, which this worker holds.

        Called and returns with the dispatcher's lock held, which it releases meanwhile.
        """
        self._idle_workers += 1
        self._idle_wake_locks.append(wake_lock)
        self._lock.release()
        try:
            # Returns holding wake_lock again, ready for the next wait. Only a thread that
            # popped wake_lock from the idle list releases it, so a release is never lost.
            wake_lock.acquire()
        finally:
            self._lock.acquire()
            self._idle_workers -= 1

    def _wake_all_idle_workers(self) -> None:
        """Wake every idle worker; called with the lock held."""
        while self._idle_wake_locks:
            self._idle_wake_locks.pop().release()

    def _process(self, item: _Call[Any] | _Task) -> None:
        if isinstance(item, _Task):
            self._hand_off(item, from_caller=False)
            return
        call = item
        if not call.future.set_running_or_notify_cancel():
            return  # Cancelled by its caller: the cancel hook delivered the error.
        assert call.work is not None
        delivery: _Delivery
        try:
            result = call.work()
        except NexmoApiError as error:
            delivery = _Delivery(self, call, error=error)
        except BaseException as exc:
            logger.exception("The work of %s raised an unexpected exception", call.label)
            internal_error = NexmoApiError(
                f"Internal error in nexmo_client: the call raised {type(exc).__name__}. This "
                f"is a bug; the traceback is logged on nexmo_client.dispatch.",
                type=errors.ERROR_INTERNAL,
            )
            internal_error.__cause__ = exc
            delivery = _Delivery(self, call, error=internal_error)
        else:
            delivery = _Delivery(self, call, result=result)
        self._hand_off(delivery, from_caller=False)

    def _reroute(self, task: _Task) -> None:
        """Queue ``task`` for a worker, which hands it to the executor again."""
        with self._lock:
            self._queue.appendleft(task)
            worker_number = self._reserve_worker()
        if worker_number is not None:
            self._start_worker(worker_number)

    # The callback executor.

    def _hand_off(self, task: _Task, *, from_caller: bool) -> None:
        """Give ``task`` to the callback executor, or lose it if the executor raises.

        ``from_caller`` marks a hand-off inside a caller's own call, where an executor that
        runs functions inline must not run the listener (see ``_Task.__call__``).
        """
        state = _thread_state
        previous = state.handing_off
        marker = self if from_caller else None
        # The thread-local is written only when the mark changes. A worker's hand-off, the
        # usual case, leaves it None.
        if marker is not previous:
            state.handing_off = marker
        try:
            if self._function_executor is not None:
                self._function_executor(task)
            else:
                assert self._pool_executor is not None
                handle = self._pool_executor.submit(task)
                handle.add_done_callback(task.lose_if_cancelled)
        except Exception as exc:
            task.lose(f"{type(exc).__name__}: {exc}")
        finally:
            if marker is not previous:
                state.handing_off = previous

    def _claim_callback_stop(self) -> bool:
        """Return True once, to the caller that must stop the callback thread.

        Called with the lock held. The callback thread stops after the last worker has
        ended and every close() has handed out its cancelled errors, so it runs them all.
        """
        if (
            self._closed
            and self._worker_count == 0
            and self._closers == 0
            and not self._callbacks_stopped
        ):
            self._callbacks_stopped = True
            return True
        return False

    def _stop_callbacks(self) -> None:
        if self._default_executor is not None:
            self._default_executor.stop()

    # Interpreter exit.

    def _wait_settled(self, deadline: float) -> int:
        """Wait until no call is pending or ``deadline`` (``time.monotonic``) passes.

        Returns the number of calls still pending.
        """
        with self._lock:
            self._settle_waiters += 1
            try:
                while self._pending > 0:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._all_settled.wait(remaining)
            finally:
                self._settle_waiters -= 1
            return self._pending


def _check_positive_int(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")


def _check_listener(listener: object) -> None:
    # The same test as isinstance(listener, Listener): both attributes exist and are not None.
    # That isinstance recomputes the Protocol's members on every call in Python 3.11, and it
    # took about 4 microseconds there, against about 0.1 for these getattr calls (measured
    # on the machine that docs/benchmarks.md describes).
    if listener is None:
        return
    if getattr(listener, "on_success", None) is None or getattr(listener, "on_error", None) is None:
        raise TypeError(
            "listener must have on_success and on_error methods, or be None, not "
            f"{type(listener).__name__}"
        )


# Every dispatcher that is alive, held weakly so that the exit hook keeps none of them alive.
_live_dispatchers: weakref.WeakSet[Dispatcher] = weakref.WeakSet()
_exit_hook_lock = threading.Lock()
_exit_hook_registered = False


def _track_for_exit(dispatcher: Dispatcher) -> None:
    global _exit_hook_registered
    with _exit_hook_lock:
        _live_dispatchers.add(dispatcher)
        if not _exit_hook_registered:
            atexit.register(_wait_at_exit)
            _exit_hook_registered = True


def _wait_at_exit() -> None:
    """Give running calls up to ``EXIT_GRACE_SECONDS`` in total to finish and be delivered.

    The interpreter runs this after the main thread has ended and before it stops the
    daemon threads. Calls still pending after the deadline get no callback.
    """
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for dispatcher in list(_live_dispatchers):
        if dispatcher.closed and dispatcher._pending == 0:
            continue
        left = dispatcher._wait_settled(deadline)
        if left:
            logger.info(
                "At exit, %d calls of %s were still pending after %.1f s; they get no callback",
                left,
                dispatcher.name,
                EXIT_GRACE_SECONDS,
            )
