"""Callback executors that run listeners on the UI thread of Tk, Qt or asyncio.

Pass one as the client's callback executor, and every listener runs on that toolkit's thread,
where it may touch widgets. Each toolkit is imported only when its helper is called, so the
core of ``nexmo_client`` needs none of them.

- :func:`tk_executor`: the Tk thread, through a queue that a Tk timer drains.
- :func:`qt_executor`: the thread of the Qt application, through a queued signal.
- :func:`asyncio_executor`: the thread of an asyncio event loop, through
  ``loop.call_soon_threadsafe``.

Each of them has a ``callback_thread_id`` property: the ``threading.get_ident()`` of the
UI thread, or None until it is known. The listener that completes a Future can run only on
that thread, so waiting there would freeze the UI forever. A client therefore makes
``result()`` and ``exception()`` of its unfinished Futures raise ``RuntimeError`` at once on
that thread. A custom executor can offer the same property. In a UI, take results in the
listener, or chain further work from it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    import asyncio
    import tkinter

__all__ = [
    "AsyncioExecutor",
    "QtExecutor",
    "TkExecutor",
    "asyncio_executor",
    "qt_executor",
    "tk_executor",
]

logger = logging.getLogger("nexmo_client.executors")

P = ParamSpec("P")
T = TypeVar("T")

# The default interval, in milliseconds, between two drains of a TkExecutor's queue: short
# enough that a listener's delay is not noticeable, long enough to cost no measurable CPU.
DEFAULT_TK_POLL_INTERVAL_MS = 20


class TkExecutor(concurrent.futures.Executor):
    """An executor that runs functions on the Tk thread, in submission order.

    Tk is not safe to call from other threads: the Python 3.11 ``tkinter`` documentation
    (section "Threading model") states that calls from another thread fail unless the Tcl
    interpreter is running its event loop, and that a Tcl built without threads runs them
    on the calling thread. So ``submit`` only puts the function on a ``queue.SimpleQueue``,
    and a timer set with ``widget.after`` drains that queue on the Tk thread every
    ``poll_interval_ms`` milliseconds. Functions therefore run only while the Tk event loop
    runs (``mainloop``, ``update`` or ``vwait``).

    Create it on the Tk thread. When the widget is destroyed, the executor shuts down and
    cancels the functions still queued; a client using it logs each such listener as lost
    and still resolves its Future. A bare Tcl interpreter from ``tkinter.Tcl()`` has no
    ``<Destroy>`` event, so call :meth:`shutdown` there.
    """

    def __init__(
        self, widget: tkinter.Misc, *, poll_interval_ms: int = DEFAULT_TK_POLL_INTERVAL_MS
    ) -> None:
        if not isinstance(poll_interval_ms, int) or isinstance(poll_interval_ms, bool):
            raise TypeError(
                f"poll_interval_ms must be an int, not {type(poll_interval_ms).__name__}"
            )
        if poll_interval_ms < 1:
            raise ValueError(f"poll_interval_ms must be at least 1, not {poll_interval_ms}")
        import tkinter

        self._tkinter = tkinter
        self._widget = widget
        self._poll_interval_ms = poll_interval_ms
        self._queue: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]]]
        self._queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._shutdown = False
        self._stopped = threading.Event()  # set once no queued function is left to run
        self._tk_thread = threading.current_thread()

        # A bare Tcl interpreter has no widgets, so nothing can be destroyed.
        with contextlib.suppress(tkinter.TclError):
            widget.bind("<Destroy>", self._on_destroy, add="+")
        self._after_id: str | None = widget.after(poll_interval_ms, self._poll)

    @property
    def callback_thread_id(self) -> int | None:
        """The ``threading.get_ident()`` of the Tk thread, where functions run, or None once
        the executor is shut down or that thread has ended (its id may then be reused)."""
        if self._shutdown or not self._tk_thread.is_alive():
            return None
        return self._tk_thread.ident

    @property
    def poll_interval_ms(self) -> int:
        """The interval between two drains of the queue, in milliseconds."""
        return self._poll_interval_ms

    def submit(
        self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> concurrent.futures.Future[T]:
        """Queue ``fn(*args, **kwargs)`` for the Tk thread; safe to call from any thread.

        Raises:
            RuntimeError: the executor was shut down or its widget destroyed.
        """
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError(
                    "The TkExecutor is shut down or its widget was destroyed, so it cannot "
                    "run more functions."
                )
            self._queue.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting functions; queued ones still run unless ``cancel_futures`` is True.

        With ``wait=True`` on a thread other than the Tk thread, wait until the queue is
        drained, which needs the Tk event loop to run. On the Tk thread it never waits,
        because the queue is drained on that thread.
        """
        with self._lock:
            self._shutdown = True
        if cancel_futures:
            self._cancel_queued()
        if wait and threading.current_thread() is not self._tk_thread:
            self._stopped.wait()

    def _poll(self) -> None:
        self._after_id = None
        # Only the functions queued before this drain run now, so a listener that submits
        # more cannot keep the Tk thread here forever.
        for _ in range(self._queue.qsize()):
            try:
                future, fn = self._queue.get_nowait()
            except queue.Empty:
                break
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:
                future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                future.set_result(result)

        with self._lock:
            finished = self._shutdown and self._queue.empty()
        if finished:
            self._stopped.set()
            return
        try:
            self._after_id = self._widget.after(self._poll_interval_ms, self._poll)
        except self._tkinter.TclError:
            # The interpreter is gone, so no later drain can run the queued functions.
            self._stop_after_destroy()

    def _on_destroy(self, event: tkinter.Event[Any]) -> None:
        # A binding on a toplevel also fires for each of its children.
        if event.widget is self._widget:
            self._stop_after_destroy()

    def _stop_after_destroy(self) -> None:
        with self._lock:
            self._shutdown = True
        if self._after_id is not None:
            # The interpreter may already be gone, and the timer with it.
            with contextlib.suppress(self._tkinter.TclError):
                self._widget.after_cancel(self._after_id)
            self._after_id = None
        cancelled = self._cancel_queued()
        if cancelled:
            logger.warning(
                "The Tk widget of a TkExecutor was destroyed with %d functions still queued; "
                "they were cancelled",
                cancelled,
            )
        self._stopped.set()

    def _cancel_queued(self) -> int:
        cancelled = 0
        while True:
            try:
                future, _ = self._queue.get_nowait()
            except queue.Empty:
                return cancelled
            if future.cancel():
                cancelled += 1


def tk_executor(
    widget: tkinter.Misc, *, poll_interval_ms: int = DEFAULT_TK_POLL_INTERVAL_MS
) -> TkExecutor:
    """Return an executor that runs listeners on the Tk thread of ``widget``.

    Call it on the Tk thread, before ``mainloop``. Listeners run on that thread within about
    ``poll_interval_ms`` milliseconds of their call finishing. See :class:`TkExecutor`.

    Example::

        root = tkinter.Tk()
        client = NexmoClient(callback_executor=tk_executor(root))
        client.get_user_sessions("USR-1", 20, "asc", listener)  # listener may update widgets
        root.mainloop()
    """
    return TkExecutor(widget, poll_interval_ms=poll_interval_ms)


def _load_qt_core() -> tuple[Any, Any, Any]:
    """Import QtCore from PySide6, or from PyQt6 when PySide6 is missing.

    Returns the module and its signal and slot factories.
    """
    try:
        qt_core = importlib.import_module("PySide6.QtCore")
    except ImportError:
        pass
    else:
        return qt_core, qt_core.Signal, qt_core.Slot
    try:
        qt_core = importlib.import_module("PyQt6.QtCore")
    except ImportError as exc:
        raise ImportError(
            "qt_executor needs PySide6 or PyQt6. Install one, for example: "
            "pip install PySide6-Essentials"
        ) from exc
    return qt_core, qt_core.pyqtSignal, qt_core.pyqtSlot


@functools.cache
def _relay_class() -> Any:
    """Build the QObject subclass that relays functions to its own thread, once per process."""
    qt_core, signal, slot = _load_qt_core()

    qobject: Any = qt_core.QObject

    class QtRelay(qobject):  # type: ignore[misc]
        # A signal that carries a Python object needs no registered meta type.
        requested = signal(object)

        def __init__(self, parent: Any = None) -> None:
            super().__init__(parent)
            # The Python id of the thread that runs the slot, once known.
            self.thread_id: int | None = None
            # A queued connection runs the slot in the thread the receiver lives in, when
            # that thread's event loop runs (Qt 6 documentation, Qt::ConnectionType and
            # "Threads and QObjects"), whichever thread emits the signal.
            self.requested.connect(self._run, qt_core.Qt.ConnectionType.QueuedConnection)

        @slot(object)  # type: ignore[untyped-decorator]
        def _run(self, fn: Callable[[], object]) -> None:
            self.thread_id = threading.get_ident()
            try:
                fn()
            except Exception:
                logger.exception("A function run by a QtExecutor raised an exception")

    return QtRelay


class QtExecutor:
    """A callable executor that runs functions on the thread of the Qt application.

    Calling it emits a queued signal from any thread; the Qt event loop of the thread that
    owns the application runs the function later, in emission order. A function emitted
    while that loop does not run waits until it runs. Once the relay object is deleted (with
    its ``parent``, or as the application ends), calling the executor raises
    ``RuntimeError``, which a client logs as a lost listener call.
    """

    def __init__(self, parent: Any = None) -> None:
        qt_core, _, _ = _load_qt_core()
        application = qt_core.QCoreApplication.instance()
        if application is None:
            raise RuntimeError(
                "qt_executor needs a running Qt application: create the QApplication (or "
                "QCoreApplication) first."
            )
        relay = _relay_class()(parent)
        if parent is None:
            # Created on any thread, the relay is moved to the application's thread, so
            # its slot runs there. An object with a parent must stay in the parent's thread.
            relay.moveToThread(application.thread())
        if relay.thread() == qt_core.QThread.currentThread():
            # Created on the thread that will run its slot, the usual case for a GUI.
            relay.thread_id = threading.get_ident()
        self._relay = relay

    @property
    def callback_thread_id(self) -> int | None:
        """The ``threading.get_ident()`` of the thread that runs the functions, or None
        until the executor was created on it or first ran a function there."""
        thread_id: int | None = self._relay.thread_id
        return thread_id

    def __call__(self, fn: Callable[[], None]) -> None:
        self._relay.requested.emit(fn)


def qt_executor(parent: Any = None) -> QtExecutor:
    """Return an executor that runs listeners on the thread of the Qt application.

    Create the ``QApplication`` first. With a ``parent`` QObject, the executor stops when
    the parent is deleted, and it runs listeners on the parent's thread instead. Uses
    PySide6, or PyQt6 when PySide6 is not installed. See :class:`QtExecutor`.

    Example::

        app = QApplication(sys.argv)
        client = NexmoClient(callback_executor=qt_executor())
        client.get_user_sessions("USR-1", 20, "asc", listener)  # listener may update widgets
        app.exec()
    """
    return QtExecutor(parent)


class AsyncioExecutor:
    """A callable executor that runs functions on the thread of an asyncio event loop,
    through ``loop.call_soon_threadsafe``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        call_soon_threadsafe = getattr(loop, "call_soon_threadsafe", None)
        if not callable(call_soon_threadsafe):
            raise TypeError(f"loop must be an asyncio event loop, not {type(loop).__name__}")
        self._call_soon_threadsafe: Callable[..., object] = call_soon_threadsafe
        self._loop = loop
        self._thread: threading.Thread | None = None
        import asyncio

        with contextlib.suppress(RuntimeError):
            if asyncio.get_running_loop() is loop:
                self._thread = threading.current_thread()

    @property
    def callback_thread_id(self) -> int | None:
        """The ``threading.get_ident()`` of the loop's thread, or None until the executor
        was created on the running loop or first ran a function there, and None again once
        the loop is closed or its thread has ended."""
        thread = self._thread
        if thread is None or self._loop.is_closed() or not thread.is_alive():
            return None
        return thread.ident

    def __call__(self, fn: Callable[[], None]) -> object:
        if self._thread is None:
            return self._call_soon_threadsafe(self._run_recording_thread, fn)
        return self._call_soon_threadsafe(fn)

    def _run_recording_thread(self, fn: Callable[[], None]) -> None:
        self._thread = threading.current_thread()
        fn()


def asyncio_executor(loop: asyncio.AbstractEventLoop) -> AsyncioExecutor:
    """Return an executor that runs listeners on the thread of the asyncio event ``loop``.

    It calls ``loop.call_soon_threadsafe``. Once the loop is closed it raises ``RuntimeError``,
    which a client logs as a lost listener call; a loop that is stopped but not closed keeps
    the listeners until it runs again. To await a call instead of using a listener, wrap
    its Future with ``asyncio.wrap_future``.

    Example::

        async def main() -> None:
            loop = asyncio.get_running_loop()
            with NexmoClient(callback_executor=asyncio_executor(loop)) as client:
                page = await asyncio.wrap_future(client.get_user_sessions("USR-1", 20, "asc", None))
    """
    return AsyncioExecutor(loop)
