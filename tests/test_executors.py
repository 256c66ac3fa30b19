"""Tests of the Tk, Qt and asyncio callback executors, each with a real event loop.

Tk runs as a bare Tcl interpreter (``tkinter.Tcl()``), which needs no display. Its
``mainloop()`` returns at once, because Tk's main loop runs only while a Tk window exists,
so these tests run the Tcl event loop with ``vwait`` instead. Qt runs a ``QCoreApplication``
on the offscreen platform.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import threading
import tkinter
from typing import Any

import pytest

from nexmo_client._dispatch import Dispatcher
from nexmo_client.errors import NexmoApiError
from nexmo_client.executors import TkExecutor, asyncio_executor, qt_executor, tk_executor

WAIT = 10.0  # seconds that a test waits for an event loop before it fails
_names = itertools.count(1)


def unique_name() -> str:
    return f"test-executors-{next(_names)}"


class ThreadListener:
    """A listener that records the result and the thread that ran each callback."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, threading.Thread]] = []

    def on_success(self, result: Any) -> None:
        self.calls.append((result, threading.current_thread()))

    def on_error(self, error: NexmoApiError) -> None:
        self.calls.append((error, threading.current_thread()))


def run_tcl_until(interpreter: tkinter.Tk, variable: str) -> str:
    """Run the Tcl event loop on this thread until ``variable`` is set, or time out."""
    timer = interpreter.after(int(WAIT * 1000), lambda: interpreter.setvar(variable, "timeout"))
    interpreter.tk.call("vwait", variable)
    interpreter.after_cancel(timer)
    return str(interpreter.getvar(variable))


@pytest.fixture
def tcl() -> tkinter.Tk:
    """A bare Tcl interpreter owned by the test's thread."""
    return tkinter.Tcl()


# Tk.


def test_tk_listeners_on_tk_thread(tcl: tkinter.Tk) -> None:
    """Listeners run on the Tk thread, in completion order, while the Tcl loop runs."""
    executor = tk_executor(tcl, poll_interval_ms=5)
    # One worker runs the calls one after another, so they complete in submission order.
    dispatcher = Dispatcher(name=unique_name(), max_workers=1, callback_executor=executor)
    results: list[tuple[int, threading.Thread]] = []

    class StoppingListener:
        def on_success(self, result: int) -> None:
            results.append((result, threading.current_thread()))
            if len(results) == 3:
                tcl.setvar("delivered", "yes")

        def on_error(self, error: NexmoApiError) -> None:
            tcl.setvar("delivered", f"error {error}")

    try:
        futures = [
            dispatcher.submit(lambda number=number: number, StoppingListener())  # type: ignore[misc]
            for number in range(3)
        ]
        state = run_tcl_until(tcl, "delivered")
    finally:
        dispatcher.close()
        executor.shutdown(wait=False, cancel_futures=True)

    assert state == "yes"
    assert [result for result, _ in results] == [0, 1, 2]
    assert {thread for _, thread in results} == {threading.current_thread()}
    assert [future.result(WAIT) for future in futures] == [0, 1, 2]


def test_tk_submit_from_other_thread(tcl: tkinter.Tk) -> None:
    """TkExecutor.submit from a worker thread runs the function on the Tk thread."""
    executor = TkExecutor(tcl, poll_interval_ms=5)
    submitted: concurrent.futures.Future[concurrent.futures.Future[str]] = (
        concurrent.futures.Future()
    )

    def function() -> str:
        tcl.setvar("ran", "yes")
        return threading.current_thread().name

    thread = threading.Thread(target=lambda: submitted.set_result(executor.submit(function)))
    thread.start()
    thread.join(WAIT)

    assert run_tcl_until(tcl, "ran") == "yes"
    assert submitted.result(WAIT).result(WAIT) == threading.current_thread().name
    executor.shutdown()


def test_tk_shutdown_runs_queued(tcl: tkinter.Tk) -> None:
    """After shutdown(), functions already queued still run, and new ones raise."""
    executor = TkExecutor(tcl, poll_interval_ms=5)
    queued = executor.submit(lambda: tcl.setvar("ran", "yes"))

    executor.shutdown(wait=False)
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit(lambda: None)

    assert run_tcl_until(tcl, "ran") == "yes"
    assert queued.done()
    assert not queued.cancelled()


class SignallingTkExecutor(TkExecutor):
    """A TkExecutor that sets an event each time a function is submitted."""

    def __init__(self, widget: tkinter.Misc, *, poll_interval_ms: int) -> None:
        super().__init__(widget, poll_interval_ms=poll_interval_ms)
        self.submitted = threading.Event()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = super().submit(fn, *args, **kwargs)
        self.submitted.set()
        return future


def test_tk_cancel_loses_delivery(tcl: tkinter.Tk, caplog: pytest.LogCaptureFixture) -> None:
    """Cancelled queued deliveries are logged as lost and their Futures still resolve."""
    executor = SignallingTkExecutor(tcl, poll_interval_ms=5)
    dispatcher = Dispatcher(name=unique_name(), callback_executor=executor)
    listener = ThreadListener()
    try:
        future = dispatcher.submit(lambda: "r", listener, name="tk-call")
        # The Tcl loop does not run in this test, so the delivery stays queued.
        assert executor.submitted.wait(WAIT)
        assert not future.done()
        executor.shutdown(wait=False, cancel_futures=True)
        assert future.result(WAIT) == "r"
    finally:
        dispatcher.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "tk-call" in warnings[0]
    assert listener.calls == []


def test_tk_interpreter_gone_cancels(tcl: tkinter.Tk) -> None:
    """When the next poll cannot be scheduled, queued functions are cancelled."""
    executor = TkExecutor(tcl, poll_interval_ms=5)
    tcl.after(int(WAIT * 1000), lambda: tcl.setvar("ran", "timeout"))
    queued_later: list[concurrent.futures.Future[None]] = []

    def remove_after_command() -> None:
        # Without the after command, the poll cannot schedule itself again, as after the
        # interpreter is deleted; the function submitted here waits for that next poll.
        queued_later.append(executor.submit(lambda: None))
        tcl.tk.call("rename", "after", "")
        tcl.setvar("ran", "yes")

    first = executor.submit(remove_after_command)
    tcl.tk.call("vwait", "ran")

    assert tcl.getvar("ran") == "yes"
    assert first.done()
    assert queued_later[0].cancelled()
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit(lambda: None)


@pytest.mark.parametrize(("interval", "exception"), [(0, ValueError), (1.5, TypeError)])
def test_tk_interval_validated(tcl: tkinter.Tk, interval: Any, exception: type[Exception]) -> None:
    """A poll interval below 1 ms or not an int is rejected."""
    with pytest.raises(exception):
        TkExecutor(tcl, poll_interval_ms=interval)


def test_tk_widget_destroy_cancels() -> None:
    """Destroying the Tk root cancels queued functions and rejects new ones."""
    try:
        root = tkinter.Tk()
    except tkinter.TclError as exc:
        pytest.skip(f"Tk needs a display here: {exc}")
    executor = TkExecutor(root, poll_interval_ms=5)
    queued = executor.submit(lambda: None)

    root.destroy()

    assert queued.cancelled()
    with pytest.raises(RuntimeError):
        executor.submit(lambda: None)


# Qt.


def test_qt_listener_on_application_thread(qt_application: Any) -> None:
    """The listener runs on the thread that owns the Qt application."""
    from PySide6.QtCore import QThread, QTimer

    dispatcher = Dispatcher(name=unique_name(), callback_executor=qt_executor())
    seen: list[tuple[Any, threading.Thread, bool]] = []

    class QuittingListener:
        def on_success(self, result: Any) -> None:
            seen.append(
                (
                    result,
                    threading.current_thread(),
                    QThread.currentThread() == qt_application.thread(),
                )
            )
            qt_application.quit()

        def on_error(self, error: NexmoApiError) -> None:
            seen.append((error, threading.current_thread(), False))
            qt_application.quit()

    QTimer.singleShot(int(WAIT * 1000), qt_application.quit)
    try:
        future = dispatcher.submit(lambda: "qt-result", QuittingListener())
        qt_application.exec()
    finally:
        dispatcher.close()

    assert len(seen) == 1
    assert seen[0][0] == "qt-result"
    assert seen[0][1] is threading.current_thread()
    assert seen[0][2]
    assert future.result(WAIT) == "qt-result"


def test_qt_deleted_parent_loses_delivery(
    qt_application: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """After the executor's parent is deleted, deliveries are logged as lost."""
    import shiboken6
    from PySide6.QtCore import QObject

    parent = QObject()
    executor = qt_executor(parent)
    shiboken6.delete(parent)
    dispatcher = Dispatcher(name=unique_name(), callback_executor=executor)
    listener = ThreadListener()
    try:
        future = dispatcher.submit(lambda: "r", listener, name="qt-call")
        assert future.result(WAIT) == "r"
    finally:
        dispatcher.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "qt-call" in warnings[0]
    assert listener.calls == []


# asyncio.


def test_asyncio_listener_on_loop_thread() -> None:
    """The listener runs on the loop's thread, and awaiting the wrapped Future works."""
    listener = ThreadListener()

    async def main() -> tuple[Any, threading.Thread]:
        loop = asyncio.get_running_loop()
        dispatcher = Dispatcher(name=unique_name(), callback_executor=asyncio_executor(loop))
        try:
            result = await asyncio.wrap_future(dispatcher.submit(lambda: 42, listener))
        finally:
            dispatcher.close(wait=False)
        return result, threading.current_thread()

    result, loop_thread = asyncio.run(main())

    assert result == 42
    assert listener.calls == [(42, loop_thread)]


def test_asyncio_closed_loop_loses_delivery(caplog: pytest.LogCaptureFixture) -> None:
    """A closed loop raises on delivery, which is logged; the Future still resolves."""
    loop = asyncio.new_event_loop()
    loop.close()
    dispatcher = Dispatcher(name=unique_name(), callback_executor=asyncio_executor(loop))
    try:
        future = dispatcher.submit(lambda: "r", ThreadListener(), name="asyncio-call")
        assert future.result(WAIT) == "r"
    finally:
        dispatcher.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "asyncio-call" in warnings[0]
    assert "closed" in warnings[0]


def test_asyncio_executor_rejects_non_loop() -> None:
    """An object without call_soon_threadsafe raises TypeError."""
    with pytest.raises(TypeError, match="asyncio event loop"):
        asyncio_executor(object())  # type: ignore[arg-type]
