"""Tests of the dispatcher: workers, callback delivery, Futures, pending limit and close.

The dispatcher has no socket, so plain callables stand in for the HTTP work of a call.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nexmo_client import errors
from nexmo_client._dispatch import Dispatcher, Listener
from nexmo_client.errors import (
    NexmoApiError,
    NexmoCancelledError,
    NexmoNotFoundError,
    NexmoPendingLimitError,
    NexmoValidationError,
)

WAIT = 10.0  # seconds that a test waits for an event before it fails
_names = itertools.count(1)


class RecordingListener:
    """A listener that records each callback with the thread that ran it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, str]] = []
        self.called = threading.Event()

    def on_success(self, result: Any) -> None:
        self.calls.append(("success", result, threading.current_thread().name))
        self.called.set()

    def on_error(self, error: NexmoApiError) -> None:
        self.calls.append(("error", error, threading.current_thread().name))
        self.called.set()

    def wait(self) -> tuple[str, Any, str]:
        assert self.called.wait(WAIT), "the listener was not called in time"
        return self.calls[0]


def unique_name() -> str:
    return f"test-dispatch-{next(_names)}"


def threads_named(prefix: str) -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith(prefix + "-")]


@pytest.fixture
def dispatcher() -> Iterator[Dispatcher]:
    """A dispatcher with the default callback thread, closed after the test."""
    instance = Dispatcher(name=unique_name())
    yield instance
    instance.close()


def blocking_work(
    started: threading.Event, release: threading.Event, result: Any
) -> Callable[[], Any]:
    def work() -> Any:
        started.set()
        assert release.wait(WAIT)
        return result

    return work


# 1. Workers.


def test_submit_returns_before_work_runs(dispatcher: Dispatcher) -> None:
    """submit returns while the work is still blocked, then the result arrives."""
    started, release = threading.Event(), threading.Event()
    listener = RecordingListener()

    future = dispatcher.submit(blocking_work(started, release, "done"), listener)

    assert started.wait(WAIT)
    assert not future.done()
    assert not listener.called.is_set()
    release.set()
    assert listener.wait()[:2] == ("success", "done")


def test_worker_thread_names_and_daemon(dispatcher: Dispatcher) -> None:
    """Work runs on a daemon thread named <name>-worker-<n>."""
    seen: list[threading.Thread] = []

    dispatcher.submit(lambda: seen.append(threading.current_thread()), None).result(WAIT)

    assert seen[0].name == f"{dispatcher.name}-worker-1"
    assert seen[0].daemon


def test_workers_start_lazily() -> None:
    """No thread starts before the first call, and one call starts one worker."""
    instance = Dispatcher(name=unique_name())
    try:
        assert threads_named(instance.name) == []
        instance.submit(lambda: 1, None).result(WAIT)
        names = sorted(thread.name for thread in threads_named(instance.name))
        assert names == [f"{instance.name}-callbacks", f"{instance.name}-worker-1"]
    finally:
        instance.close()


def test_worker_pool_bounded() -> None:
    """At most max_workers calls run at once, on at most max_workers threads."""
    instance = Dispatcher(name=unique_name(), max_workers=2)
    release = threading.Event()
    lock = threading.Lock()
    running = 0
    peak = 0
    two_running = threading.Event()

    def work() -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            if running == 2:
                two_running.set()
        assert release.wait(WAIT)
        with lock:
            running -= 1
        return threading.current_thread().name

    try:
        futures = [instance.submit(work, None) for _ in range(6)]
        assert two_running.wait(WAIT)
        workers = [t.name for t in threads_named(instance.name) if "-worker-" in t.name]
        assert len(workers) == 2
        release.set()
        names = {future.result(WAIT) for future in futures}
        assert names <= {f"{instance.name}-worker-1", f"{instance.name}-worker-2"}
        assert peak == 2
    finally:
        release.set()
        instance.close()


# 2. Exactly one callback, then the Future.


def test_success_delivered_then_future(dispatcher: Dispatcher) -> None:
    """on_success runs on the callback thread before the Future resolves."""
    holder: dict[str, concurrent.futures.Future[str]] = {}
    done_in_listener: list[bool] = []
    listener = RecordingListener()
    original = listener.on_success

    def on_success(result: Any) -> None:
        done_in_listener.append(holder["future"].done())
        original(result)

    listener.on_success = on_success  # type: ignore[method-assign]
    release = threading.Event()
    holder["future"] = dispatcher.submit(blocking_work(threading.Event(), release, "r"), listener)
    release.set()

    kind, result, thread_name = listener.wait()
    assert holder["future"].result(WAIT) == "r"
    assert kind == "success"
    assert result == "r"
    assert thread_name == f"{dispatcher.name}-callbacks"
    assert done_in_listener == [False]


def test_error_delivered_to_listener_and_future(dispatcher: Dispatcher) -> None:
    """A NexmoApiError from the work reaches on_error and the Future as the same object."""
    error = NexmoNotFoundError("User does not exist.", type="user:error:not-found", status=404)

    def work() -> None:
        raise error

    listener = RecordingListener()
    future = dispatcher.submit(work, listener)

    assert future.exception(WAIT) is error
    assert listener.calls == [("error", error, f"{dispatcher.name}-callbacks")]


def test_exactly_one_callback(dispatcher: Dispatcher) -> None:
    """Each call gets exactly one callback, also counted after close waits for everything."""
    listeners = [RecordingListener() for _ in range(20)]
    futures = [
        dispatcher.submit(lambda number=number: number, listener)  # type: ignore[misc]
        for number, listener in enumerate(listeners)
    ]

    concurrent.futures.wait(futures, WAIT)
    dispatcher.close()

    for number, listener in enumerate(listeners):
        assert [call[:2] for call in listener.calls] == [("success", number)]


def test_future_only_call(dispatcher: Dispatcher) -> None:
    """A call without a listener still resolves its Future."""
    future = dispatcher.submit(lambda: "value", None)

    assert future.result(WAIT) == "value"


def test_fail_delivers_on_callback_thread(dispatcher: Dispatcher) -> None:
    """fail() returns first; on_error runs later on the callback thread."""
    error = NexmoValidationError("page_size must be between 1 and 100, not 0.")
    listener = RecordingListener()
    returned = threading.Event()
    seen_returned: list[bool] = []
    original = listener.on_error

    def on_error(received: NexmoApiError) -> None:
        seen_returned.append(returned.wait(WAIT))
        original(received)

    listener.on_error = on_error  # type: ignore[method-assign]
    future = dispatcher.fail(error, listener)
    returned.set()

    assert listener.wait() == ("error", error, f"{dispatcher.name}-callbacks")
    assert future.exception(WAIT) is error
    assert seen_returned == [True]
    assert not future.cancel()


def test_fail_inline_executor_runs_on_worker() -> None:
    """With an executor that runs functions inline, fail() still never calls the listener."""
    caller = threading.current_thread()
    instance = Dispatcher(name=unique_name(), callback_executor=lambda fn: fn())
    listener = RecordingListener()
    try:
        future = instance.fail(NexmoValidationError("bad"), listener)
        kind, _, thread_name = listener.wait()
        assert kind == "error"
        assert thread_name == f"{instance.name}-worker-1"
        assert thread_name != caller.name
        assert isinstance(future.exception(WAIT), NexmoValidationError)
    finally:
        instance.close()


def test_inline_executor_runs_on_worker() -> None:
    """The executor lambda fn: fn() runs each listener on the worker that did the work."""
    instance = Dispatcher(name=unique_name(), callback_executor=lambda fn: fn())
    listener = RecordingListener()
    work_thread: list[str] = []
    try:
        instance.submit(lambda: work_thread.append(threading.current_thread().name), listener)
        assert listener.wait()[2] == work_thread[0]
    finally:
        instance.close()


def test_argument_types_checked(dispatcher: Dispatcher) -> None:
    """Work that is not callable, a non-listener and a non-error raise TypeError."""
    with pytest.raises(TypeError, match="work must be callable"):
        dispatcher.submit("not callable", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_success and on_error"):
        dispatcher.submit(lambda: 1, object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NexmoApiError"):
        dispatcher.fail(ValueError("x"), None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "exception"),
    [
        ({"name": ""}, TypeError),
        ({"max_workers": 0}, ValueError),
        ({"max_workers": True}, TypeError),
        ({"max_pending": 0}, ValueError),
        ({"max_pending": 1.5}, TypeError),
        ({"callback_executor": 3}, TypeError),
    ],
)
def test_constructor_rejects_invalid(arguments: dict[str, Any], exception: type[Exception]) -> None:
    """Invalid constructor arguments raise at once."""
    with pytest.raises(exception):
        Dispatcher(**arguments)


def test_listener_protocol_structural() -> None:
    """Any object with on_success and on_error is a Listener."""
    assert isinstance(RecordingListener(), Listener)
    assert not isinstance(object(), Listener)


# 3. Callback executors and ordering.


def test_callbacks_in_completion_order(dispatcher: Dispatcher) -> None:
    """Listeners run in the order their calls finished, one at a time."""
    release_first, release_second = threading.Event(), threading.Event()
    order: list[str] = []
    active = 0
    peak = 0
    both_done = threading.Event()

    class OrderListener:
        def __init__(self, label: str) -> None:
            self.label = label

        def on_success(self, result: Any) -> None:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            order.append(self.label)
            active -= 1
            if len(order) == 2:
                both_done.set()

        def on_error(self, error: NexmoApiError) -> None:
            order.append(f"{self.label} failed")

    first_started = threading.Event()
    dispatcher.submit(blocking_work(first_started, release_first, 1), OrderListener("first"))
    second = dispatcher.submit(
        blocking_work(threading.Event(), release_second, 2), OrderListener("second")
    )
    assert first_started.wait(WAIT)
    release_second.set()
    assert second.result(WAIT) == 2
    release_first.set()

    assert both_done.wait(WAIT)
    assert order == ["second", "first"]
    assert peak == 1


def test_slow_listener_never_holds_worker() -> None:
    """While a listener blocks, the single worker keeps running other calls."""
    instance = Dispatcher(name=unique_name(), max_workers=1)
    gate = threading.Event()
    in_listener = threading.Event()

    class SlowListener:
        def on_success(self, result: Any) -> None:
            in_listener.set()
            assert gate.wait(WAIT)

        def on_error(self, error: NexmoApiError) -> None:
            in_listener.set()

    second_ran = threading.Event()
    try:
        instance.submit(lambda: 1, SlowListener())
        assert in_listener.wait(WAIT)
        instance.submit(second_ran.set, None)
        assert second_ran.wait(WAIT)
        assert not gate.is_set()
    finally:
        gate.set()
        instance.close()


def test_custom_executor_object() -> None:
    """An Executor passed as callback_executor runs the listeners through submit()."""
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ui-pool") as pool:
        instance = Dispatcher(name=unique_name(), callback_executor=pool)
        listener = RecordingListener()
        try:
            instance.submit(lambda: "x", listener)
            kind, result, thread_name = listener.wait()
            assert (kind, result) == ("success", "x")
            assert thread_name.startswith("ui-pool")
        finally:
            instance.close()


def test_custom_executor_callable() -> None:
    """A callable executor gets each delivery; here the test thread runs them."""
    deliveries: concurrent.futures.Future[Callable[[], None]] = concurrent.futures.Future()
    instance = Dispatcher(name=unique_name(), callback_executor=deliveries.set_result)
    listener = RecordingListener()
    try:
        future = instance.submit(lambda: 7, listener)
        delivery = deliveries.result(WAIT)
        assert not listener.called.is_set()
        delivery()
        assert listener.calls == [("success", 7, threading.current_thread().name)]
        assert future.result(WAIT) == 7
    finally:
        instance.close()


def test_notify_runs_on_callback_thread(dispatcher: Dispatcher) -> None:
    """notify() runs the function on the callback thread."""
    ran_on: concurrent.futures.Future[str] = concurrent.futures.Future()

    dispatcher.notify(lambda: ran_on.set_result(threading.current_thread().name))

    assert ran_on.result(WAIT) == f"{dispatcher.name}-callbacks"


def test_notify_exception_logged(dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture) -> None:
    """A connection listener that raises is logged and later events still run."""
    later = threading.Event()

    def broken() -> None:
        raise ValueError("listener bug")

    dispatcher.notify(broken)
    dispatcher.notify(later.set)

    assert later.wait(WAIT)
    records = [r for r in caplog.records if r.name == "nexmo_client.dispatch"]
    assert [r.levelno for r in records if r.exc_info] == [logging.ERROR]


# 4. Listener isolation.


def test_raising_listener_isolated(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """A raising on_success is logged with its traceback and causes no second callback."""
    calls: list[str] = []

    class RaisingListener:
        def on_success(self, result: Any) -> None:
            calls.append("success")
            raise RuntimeError("listener bug")

        def on_error(self, error: NexmoApiError) -> None:
            calls.append("error")

    future = dispatcher.submit(lambda: "result", RaisingListener(), name="raising")
    assert future.result(WAIT) == "result"
    later = RecordingListener()
    dispatcher.submit(lambda: "later", later)

    assert later.wait()[:2] == ("success", "later")
    assert calls == ["success"]
    errors_logged = [
        r
        for r in caplog.records
        if r.name == "nexmo_client.dispatch" and r.levelno == logging.ERROR
    ]
    assert len(errors_logged) == 1
    assert errors_logged[0].exc_info is not None
    assert "raising" in errors_logged[0].getMessage()


# 5. Lost deliveries.


def test_executor_shut_down_loses_delivery(caplog: pytest.LogCaptureFixture) -> None:
    """An executor that raises on submit: the Future resolves and one WARNING names the call."""
    pool = concurrent.futures.ThreadPoolExecutor(1)
    pool.shutdown()
    instance = Dispatcher(name=unique_name(), callback_executor=pool)
    listener = RecordingListener()
    try:
        future = instance.submit(lambda: "r", listener, name="lost-call")
        assert future.result(WAIT) == "r"
    finally:
        instance.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "lost-call" in warnings[0].getMessage()
    assert "RuntimeError" in warnings[0].getMessage()
    assert listener.calls == []


def test_raising_callable_loses_delivery(caplog: pytest.LogCaptureFixture) -> None:
    """A callable executor that raises: the error still resolves the Future."""

    def closed_loop(fn: Callable[[], None]) -> None:
        raise RuntimeError("Event loop is closed")

    instance = Dispatcher(name=unique_name(), callback_executor=closed_loop)
    error = NexmoValidationError("bad")
    try:
        future = instance.fail(error, RecordingListener(), name="validation")
        assert future.exception(WAIT) is error
    finally:
        instance.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "validation" in warnings[0]


class HoldingExecutor(concurrent.futures.Executor):
    """An executor that keeps every submitted function, so a test can cancel it."""

    def __init__(self) -> None:
        self.submitted: queue.SimpleQueue[concurrent.futures.Future[Any]] = queue.SimpleQueue()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        handle: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.submitted.put(handle)
        return handle


def test_executor_cancel_loses_delivery(caplog: pytest.LogCaptureFixture) -> None:
    """A delivery that the executor cancels is logged once and resolves the Future."""
    executor = HoldingExecutor()
    instance = Dispatcher(name=unique_name(), callback_executor=executor)
    listener = RecordingListener()
    try:
        future = instance.submit(lambda: "r", listener, name="cancelled-delivery")
        handle = executor.submitted.get(timeout=WAIT)
        assert handle.cancel()
        assert future.result(WAIT) == "r"
    finally:
        instance.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cancelled-delivery" in warnings[0]
    assert listener.calls == []


# 6. Unexpected exceptions from work.


def test_work_bug_becomes_internal_error(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """Work raising ValueError is logged and delivered as error:internal, chained."""

    def work() -> None:
        raise ValueError("bug in the client")

    listener = RecordingListener()
    future = dispatcher.submit(work, listener)

    error = future.exception(WAIT)
    assert isinstance(error, NexmoApiError)
    assert error.type == errors.ERROR_INTERNAL
    assert isinstance(error.__cause__, ValueError)
    assert listener.calls == [("error", error, f"{dispatcher.name}-callbacks")]
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 1
    assert logged[0].exc_info is not None


# 7. Futures: deadlock guard and cancellation.


def test_result_on_callback_thread_raises(dispatcher: Dispatcher) -> None:
    """result() and exception() of an unfinished call raise inside a listener."""
    release = threading.Event()
    slow = dispatcher.submit(blocking_work(threading.Event(), release, 1), None)
    raised: list[BaseException] = []
    finished = threading.Event()

    class WaitingListener:
        def on_success(self, result: Any) -> None:
            for method in (slow.result, slow.exception):
                try:
                    method(WAIT)
                except RuntimeError as exc:
                    raised.append(exc)
            finished.set()

        def on_error(self, error: NexmoApiError) -> None:
            finished.set()

    try:
        dispatcher.submit(lambda: 0, WaitingListener())
        assert finished.wait(WAIT)
    finally:
        release.set()
    assert len(raised) == 2
    assert "deadlock" in str(raised[0])
    assert "add_done_callback" in str(raised[0])
    assert slow.result(WAIT) == 1


def test_result_of_done_future_in_listener(dispatcher: Dispatcher) -> None:
    """result() of a finished call works inside a listener."""
    done = dispatcher.submit(lambda: "earlier", None)
    assert done.result(WAIT) == "earlier"
    seen: concurrent.futures.Future[str] = concurrent.futures.Future()

    class Reader:
        def on_success(self, result: Any) -> None:
            seen.set_result(done.result())

        def on_error(self, error: NexmoApiError) -> None:
            seen.set_exception(error)

    dispatcher.submit(lambda: None, Reader())

    assert seen.result(WAIT) == "earlier"


def test_result_in_custom_executor_listener_raises() -> None:
    """The guard also applies while a custom executor runs a listener."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        instance = Dispatcher(name=unique_name(), callback_executor=pool)
        release = threading.Event()
        slow = instance.submit(blocking_work(threading.Event(), release, 1), None)
        outcome: concurrent.futures.Future[str] = concurrent.futures.Future()

        class WaitingListener:
            def on_success(self, result: Any) -> None:
                try:
                    slow.result(WAIT)
                except RuntimeError as exc:
                    outcome.set_result(str(exc))
                else:
                    outcome.set_result("no error")

            def on_error(self, error: NexmoApiError) -> None:
                outcome.set_result("on_error")

        try:
            instance.submit(lambda: 0, WaitingListener())
            assert "deadlock" in outcome.result(WAIT)
        finally:
            release.set()
            instance.close()


def test_cancel_before_start(caplog: pytest.LogCaptureFixture) -> None:
    """A call cancelled while queued never runs and its listener gets error:cancelled."""
    instance = Dispatcher(name=unique_name(), max_workers=1)
    started, release = threading.Event(), threading.Event()
    second_ran = threading.Event()
    listener = RecordingListener()
    try:
        first = instance.submit(blocking_work(started, release, "first"), None)
        assert started.wait(WAIT)
        second = instance.submit(second_ran.set, listener)

        assert second.cancel()
        kind, error, thread_name = listener.wait()
        release.set()
        assert first.result(WAIT) == "first"
    finally:
        release.set()
        instance.close()
    assert second.cancelled()
    assert kind == "error"
    assert isinstance(error, NexmoCancelledError)
    assert error.type == errors.ERROR_CANCELLED
    assert thread_name == f"{instance.name}-callbacks"
    assert not second_ran.is_set()
    assert len(listener.calls) == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_cancel_after_start_fails(dispatcher: Dispatcher) -> None:
    """cancel() returns False once the work runs, and the call completes normally."""
    started, release = threading.Event(), threading.Event()
    listener = RecordingListener()
    future = dispatcher.submit(blocking_work(started, release, "r"), listener)
    assert started.wait(WAIT)

    assert not future.cancel()
    release.set()

    assert future.result(WAIT) == "r"
    assert listener.wait()[:2] == ("success", "r")


def test_cancel_twice_one_callback() -> None:
    """Cancelling the same Future twice delivers one cancelled error."""
    instance = Dispatcher(name=unique_name(), max_workers=1)
    started, release = threading.Event(), threading.Event()
    listener = RecordingListener()
    try:
        instance.submit(blocking_work(started, release, None), None)
        assert started.wait(WAIT)
        future = instance.submit(lambda: None, listener)
        assert future.cancel()
        assert future.cancel()
        release.set()
    finally:
        release.set()
        instance.close()
    assert len(listener.calls) == 1


# 8. Pending limit.


def test_pending_limit_error() -> None:
    """Beyond max_pending, the listener gets error:pending-limit on the callback thread."""
    instance = Dispatcher(name=unique_name(), max_pending=2)
    release = threading.Event()
    listener = RecordingListener()
    returned = threading.Event()
    seen_returned: list[bool] = []
    original = listener.on_error

    def on_error(error: NexmoApiError) -> None:
        seen_returned.append(returned.is_set() or returned.wait(WAIT))
        original(error)

    listener.on_error = on_error  # type: ignore[method-assign]
    try:
        blocked_futures = [
            instance.submit(blocking_work(threading.Event(), release, i), None) for i in range(2)
        ]
        rejected = instance.submit(lambda: "never", listener)
        returned.set()
        kind, error, thread_name = listener.wait()
        release.set()
        assert [future.result(WAIT) for future in blocked_futures] == [0, 1]
        accepted_again = instance.submit(lambda: "again", None).result(WAIT)
    finally:
        release.set()
        instance.close()
    assert kind == "error"
    assert isinstance(error, NexmoPendingLimitError)
    assert error.type == errors.ERROR_PENDING_LIMIT
    assert "2" in error.message
    assert "max_pending" in error.message
    assert thread_name == f"{instance.name}-callbacks"
    assert seen_returned == [True]
    assert rejected.exception(WAIT) is error
    assert accepted_again == "again"


# 9. close().


def test_close_rejects_new_calls() -> None:
    """After close, submit and fail raise RuntimeError and notify is dropped."""
    instance = Dispatcher(name=unique_name())
    instance.close()
    instance.close()  # idempotent

    assert instance.closed
    with pytest.raises(RuntimeError, match=r"closed.*Create a new client"):
        instance.submit(lambda: 1, None)
    with pytest.raises(RuntimeError, match="closed"):
        instance.fail(NexmoValidationError("bad"), None)
    ran = threading.Event()
    instance.notify(ran.set)
    assert not ran.is_set()
    assert threads_named(instance.name) == []


def test_close_cancels_queued_finishes_running() -> None:
    """close() cancels queued calls once each, delivers running ones, and ends every thread."""
    instance = Dispatcher(name=unique_name(), max_workers=1)
    started, release = threading.Event(), threading.Event()
    running = RecordingListener()
    queued = [RecordingListener() for _ in range(3)]
    queued_ran = threading.Event()

    instance.submit(blocking_work(started, release, "finished"), running)
    assert started.wait(WAIT)
    queued_futures = [instance.submit(queued_ran.set, listener) for listener in queued]
    closer = threading.Thread(target=instance.close)
    closer.start()
    for listener in queued:
        listener.wait()
    release.set()
    closer.join(WAIT)

    assert not closer.is_alive()
    assert running.calls == [("success", "finished", f"{instance.name}-callbacks")]
    for listener, future in zip(queued, queued_futures, strict=True):
        assert len(listener.calls) == 1
        assert isinstance(listener.calls[0][1], NexmoCancelledError)
        assert future.exception(WAIT) is listener.calls[0][1]
    assert not queued_ran.is_set()
    assert threads_named(instance.name) == []


def test_close_from_listener_no_deadlock() -> None:
    """A listener that calls close() returns, and the dispatcher's threads end."""
    instance = Dispatcher(name=unique_name())
    closed = threading.Event()

    class ClosingListener:
        def on_success(self, result: Any) -> None:
            instance.close()
            closed.set()

        def on_error(self, error: NexmoApiError) -> None:
            closed.set()

    instance.submit(lambda: 1, ClosingListener())

    assert closed.wait(WAIT)
    for thread in threads_named(instance.name):
        thread.join(WAIT)
    assert threads_named(instance.name) == []


def test_close_from_work_delivers() -> None:
    """Work that calls close() still gets its callback, and the threads end."""
    instance = Dispatcher(name=unique_name())
    listener = RecordingListener()

    def work() -> str:
        instance.close()
        return "closed inside"

    future = instance.submit(work, listener)

    assert future.result(WAIT) == "closed inside"
    assert listener.calls[0][:2] == ("success", "closed inside")
    for thread in threads_named(instance.name):
        thread.join(WAIT)
    assert threads_named(instance.name) == []


def test_close_no_wait_returns_at_once() -> None:
    """close(wait=False) returns while work still runs; the work is delivered later."""
    instance = Dispatcher(name=unique_name())
    started, release = threading.Event(), threading.Event()
    listener = RecordingListener()
    instance.submit(blocking_work(started, release, "late"), listener)
    assert started.wait(WAIT)

    instance.close(wait=False)
    assert not listener.called.is_set()
    release.set()

    assert listener.wait()[:2] == ("success", "late")
    instance.close()
    assert threads_named(instance.name) == []


# 10. Threads that cannot start.


def test_worker_start_failure_delivers_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When no worker can start, as at interpreter shutdown, the call gets an error."""
    original_start = threading.Thread.start

    def start(self: threading.Thread) -> None:
        if "-worker-" in self.name:
            raise RuntimeError("can't create new thread at interpreter shutdown")
        original_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    instance = Dispatcher(name=unique_name())
    listener = RecordingListener()
    try:
        future = instance.submit(lambda: "never", listener)
        kind, error, thread_name = listener.wait()
    finally:
        monkeypatch.undo()
        instance.close()
    assert kind == "error"
    assert error.type == errors.ERROR_INTERNAL
    assert "interpreter is shutting down" in error.message
    assert isinstance(error.__cause__, RuntimeError)
    assert thread_name == f"{instance.name}-callbacks"
    assert future.exception(WAIT) is error
    assert any(r.levelno == logging.WARNING for r in caplog.records)


# 11. Thread safety.


def test_concurrent_submits_stress() -> None:
    """8 threads submitting 200 calls each: every call gets exactly one callback."""
    thread_count, calls_per_thread = 8, 200
    instance = Dispatcher(name=unique_name(), max_pending=thread_count * calls_per_thread)
    barrier = threading.Barrier(thread_count)
    lock = threading.Lock()
    callbacks: dict[int, int] = {}
    futures: list[concurrent.futures.Future[int]] = []

    class CountingListener:
        def on_success(self, result: int) -> None:
            with lock:
                callbacks[result] = callbacks.get(result, 0) + 1

        def on_error(self, error: NexmoApiError) -> None:
            with lock:
                callbacks[-1] = callbacks.get(-1, 0) + 1

    listener = CountingListener()

    def submitter(first: int) -> None:
        barrier.wait(WAIT)
        local = [
            instance.submit(lambda number=number: number, listener)  # type: ignore[misc]
            for number in range(first, first + calls_per_thread)
        ]
        with lock:
            futures.extend(local)

    threads = [
        threading.Thread(target=submitter, args=(index * calls_per_thread,))
        for index in range(thread_count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 3)
    _, not_done = concurrent.futures.wait(futures, timeout=WAIT * 3)
    instance.close()

    total = thread_count * calls_per_thread
    assert len(futures) == total
    assert not_done == set()
    assert sorted(future.result() for future in futures) == list(range(total))
    assert -1 not in callbacks
    assert set(callbacks) == set(range(total))
    assert set(callbacks.values()) == {1}
