"""The records that the dispatcher passes between threads: calls, their Futures and tasks.

``_dispatch.Dispatcher`` creates a ``_Call`` and its ``DispatcherFuture`` for each call and
queues the call for a worker. It hands each outcome to the callback executor as a ``_Delivery``,
and each connection listener event as a ``_Notification``. ``_thread_state`` lets a Future and
a task see which thread they run on. This module imports ``_dispatch`` only for type
annotations, so the two modules form no import cycle. It logs on ``nexmo_client.dispatch``.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from nexmo_client.errors import NexmoApiError

if TYPE_CHECKING:
    from nexmo_client._dispatch import Dispatcher, Listener

logger = logging.getLogger("nexmo_client.dispatch")

T = TypeVar("T")


class _ThreadState(threading.local):
    """Per-thread flags that let the dispatcher see which thread it is running on."""

    def __init__(self) -> None:
        # The callback executors whose deliveries this thread is running right now; the
        # default callback thread lists its own executor for its whole life.
        self.callback_executors: list[object] = []
        # The dispatcher that is handing a delivery to its executor from inside a caller's
        # own call (fail(), cancel(), notify(), or a rejected submit()), or None.
        self.handing_off: Dispatcher | None = None


_thread_state = _ThreadState()


class DispatcherFuture(concurrent.futures.Future[T]):
    """The Future of one call, which refuses to wait where waiting would deadlock.

    ``result()`` and ``exception()``, called before the call is done, raise ``RuntimeError``
    at once on the thread that must run this call's listener. That is the default callback
    thread, any thread while it runs a listener for the same custom executor, or the thread
    named by the executor's ``callback_thread_id`` property, which the executors of
    :mod:`nexmo_client.executors` have.
    ``cancel()`` succeeds only before the call's work starts; the listener then gets a
    ``NexmoCancelledError`` on the callback executor, after the Future is already cancelled.
    """

    def __init__(self, callback_executor: object, owner_name: str) -> None:
        super().__init__()
        self._callback_executor = callback_executor
        self._owner_name = owner_name
        self._on_cancel: Callable[[], None] | None = None
        # Acquired once, never released, by the first cancel() that succeeds.
        self._cancel_claim = threading.Lock()

    def result(self, timeout: float | None = None) -> T:
        """Return the call's result, as ``Future.result`` does, after the deadlock check."""
        self._check_wait_allowed("result")
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """Return the call's error, as ``Future.exception`` does, after the deadlock check."""
        self._check_wait_allowed("exception")
        return super().exception(timeout)

    def cancel(self) -> bool:
        """Cancel the call if its work has not started yet, as ``Future.cancel``."""
        cancelled = super().cancel()
        if cancelled and self._cancel_claim.acquire(blocking=False):
            hook = self._on_cancel
            if hook is not None:
                hook()
        return cancelled

    def _check_wait_allowed(self, method: str) -> None:
        # The thread-local list comes first because it is empty on every thread that runs no
        # listener, so the usual caller never takes the Future's lock twice.
        running = _thread_state.callback_executors
        on_callback_thread = any(executor is self._callback_executor for executor in running)
        if not on_callback_thread:
            # A UI executor (nexmo_client.executors, or a custom one with the same property)
            # reports its thread before any listener runs, for example when a Tk or asyncio
            # program blocks on result() before its event loop has started.
            thread_id = getattr(self._callback_executor, "callback_thread_id", None)
            on_callback_thread = thread_id is not None and thread_id == threading.get_ident()
        if on_callback_thread and not self.done():
            raise RuntimeError(
                f"Future.{method}() was called on the thread that runs the listeners of "
                f"{self._owner_name} before the call finished. Waiting here would deadlock, "
                f"because this thread must run the listener that completes the Future. Handle "
                f"the outcome in the listener, or use future.add_done_callback()."
            )


class _Call(Generic[T]):
    """One call: its work, its listener and its Future."""

    def __init__(
        self,
        number: int,
        name: str,
        owner_name: str,
        work: Callable[[], T] | None,
        listener: Listener[T] | None,
        future: DispatcherFuture[T],
    ) -> None:
        self._number = number
        self._name = name
        self._owner_name = owner_name
        self.work = work
        self.listener = listener
        self.future = future
        # True while the call counts against the dispatcher's max_pending limit.
        self.counted = False

    @property
    def label(self) -> str:
        """The call's name in log messages, built only when a message is logged."""
        return f"call {self._number} ({self._name}) of {self._owner_name}"


class _Task:
    """A function handed to the callback executor, which runs or is lost exactly once."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        # Acquired once, never released, by whichever of run and lose comes first.
        self._claim = threading.Lock()

    def __call__(self) -> None:
        dispatcher = self._dispatcher
        if _thread_state.handing_off is dispatcher:
            # The executor runs functions inline, so running now would call the listener
            # inside the caller's own call. A worker hands the task to the executor again.
            dispatcher._reroute(self)
            return
        if not self._claim.acquire(blocking=False):
            return
        running = _thread_state.callback_executors
        running.append(dispatcher._callback_executor)
        try:
            self._run()
        finally:
            running.pop()

    def lose(self, reason: str) -> None:
        """Give up the task because the executor cannot run it; ``reason`` names the cause."""
        if self._claim.acquire(blocking=False):
            self._lost(reason)

    def lose_if_cancelled(self, handle: concurrent.futures.Future[Any]) -> None:
        """Give up the task if the executor cancelled the Future that ``submit`` returned."""
        if handle.cancelled():
            self.lose("the callback executor cancelled it")

    def _run(self) -> None:
        raise NotImplementedError

    def _lost(self, reason: str) -> None:
        raise NotImplementedError


class _Delivery(_Task):
    """The listener callback of one call, then the resolution of its Future."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        call: _Call[Any],
        *,
        result: Any = None,
        error: NexmoApiError | None = None,
        resolve: bool = True,
    ) -> None:
        super().__init__(dispatcher)
        self._call = call
        self._result = result
        self._error = error
        # False when the Future is already resolved, because its caller cancelled it.
        self._resolve = resolve

    def _run(self) -> None:
        call = self._call
        try:
            if call.listener is not None:
                self._call_listener(call.listener)
        finally:
            self._settle()

    def _call_listener(self, listener: Listener[Any]) -> None:
        try:
            if self._error is None:
                listener.on_success(self._result)
            else:
                listener.on_error(self._error)
        except Exception:
            # A raising listener must not become a second callback nor stop the deliveries
            # after it, so it is logged and the call keeps its own outcome.
            logger.exception(
                "The %s listener of %s raised an exception, which was ignored",
                self._method_name(),
                self._call.label,
            )

    def _lost(self, reason: str) -> None:
        logger.warning(
            "Lost the %s callback of %s, because the callback executor could not run it (%s). "
            "The call's Future resolves without it.",
            self._method_name(),
            self._call.label,
            reason,
        )
        self._settle()

    def _method_name(self) -> str:
        return "on_success" if self._error is None else "on_error"

    def _settle(self) -> None:
        if not self._resolve:
            return
        call = self._call
        # The pending place is released first, so code woken by the Future can submit again.
        self._dispatcher._release_pending(call)
        if self._error is None:
            call.future.set_result(self._result)
        else:
            call.future.set_exception(self._error)


class _Notification(_Task):
    """A connection listener event: a function to run on the callback executor."""

    def __init__(self, dispatcher: Dispatcher, fn: Callable[[], None]) -> None:
        super().__init__(dispatcher)
        self._fn = fn

    def _run(self) -> None:
        try:
            self._fn()
        except Exception:
            logger.exception(
                "A connection listener of %s raised an exception, which was ignored",
                self._dispatcher.name,
            )

    def _lost(self, reason: str) -> None:
        logger.warning(
            "Dropped a connection listener event of %s, because the callback executor could "
            "not run it (%s)",
            self._dispatcher.name,
            reason,
        )
