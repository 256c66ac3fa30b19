"""Tests of callback delivery: one callback per call, order, threads and isolation."""

from __future__ import annotations

import concurrent.futures
import threading
from typing import Any

from client_support import WAIT_SECONDS, Recorder, logged_in_client

from nexmo_client import NexmoApiError, NexmoValidationError
from nexmo_client.testing import Fault, StandInServer


def test_callback_exactly_once_then_future(stand_in: StandInServer) -> None:
    """Each call gets one callback, on another thread, before its Future is done."""
    alice = stand_in.store.add_user("alice")
    recorders = [Recorder() for _ in range(20)]

    with logged_in_client(stand_in) as client:
        futures = [
            recorder.watch(client.get_user_sessions(alice.id, listener=recorder))
            for recorder in recorders
        ]
        for future in futures:
            future.result(WAIT_SECONDS)

    for recorder in recorders:
        assert len(recorder.calls) == 1
        assert recorder.calls[0][0] == "success"
        assert recorder.future_done_during_callback == [False]
        assert recorder.threads[0] != threading.current_thread().name


def test_validation_error_not_inside_call(stand_in: StandInServer) -> None:
    """An immediate validation error is delivered after the call returned, never inside it."""
    returned = threading.Event()
    inside: list[bool] = []
    done = threading.Event()

    class Listener:
        def on_success(self, result: Any) -> None:
            done.set()

        def on_error(self, error: NexmoApiError) -> None:
            inside.append(not returned.is_set())
            done.set()

    with logged_in_client(stand_in) as client:
        client.get_user_sessions("", listener=Listener())
        returned.set()
        assert done.wait(WAIT_SECONDS)

    assert inside == [False]


def test_listener_raising_isolated(stand_in: StandInServer) -> None:
    """A listener that raises gets no second callback, and later calls are still delivered."""
    alice = stand_in.store.add_user("alice")
    calls: list[str] = []
    failed = threading.Event()

    class Raising:
        def on_success(self, result: Any) -> None:
            calls.append("success")
            failed.set()
            raise RuntimeError("listener bug")

        def on_error(self, error: NexmoApiError) -> None:
            calls.append("error")

    with logged_in_client(stand_in) as client:
        future = client.get_user_sessions(alice.id, listener=Raising())
        assert failed.wait(WAIT_SECONDS)
        page = future.result(WAIT_SECONDS)
        later = Recorder()
        later.watch(client.get_user_sessions(alice.id, listener=later))
        later_kind = later.outcome()[0]

    assert calls == ["success"]
    assert page.user_id == alice.id
    assert later_kind == "success"


def test_custom_callback_executor(stand_in: StandInServer) -> None:
    """Listeners run on a callback executor given to the client."""
    alice = stand_in.store.add_user("alice")
    recorder = Recorder()

    with (
        concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ui") as executor,
        logged_in_client(stand_in, callback_executor=executor) as client,
    ):
        recorder.watch(client.get_user_sessions(alice.id, listener=recorder))
        recorder.result()

    assert recorder.threads[0].startswith("ui")


def test_errors_and_successes_mixed(stand_in: StandInServer) -> None:
    """Concurrent calls that fail and succeed each get their own one callback."""
    alice = stand_in.store.add_user("alice")
    stand_in.inject(Fault.delay(0.05), user_id=alice.id)
    good = [Recorder() for _ in range(5)]
    bad = [Recorder() for _ in range(5)]

    with logged_in_client(stand_in, max_workers=4) as client:
        for good_recorder, bad_recorder in zip(good, bad, strict=True):
            good_recorder.watch(client.get_user_sessions(alice.id, listener=good_recorder))
            bad_recorder.watch(client.get_user_sessions(alice.id, 0, listener=bad_recorder))
        good_pages = [recorder.result() for recorder in good]
        bad_errors = [recorder.error() for recorder in bad]

    assert all(page.user_id == alice.id for page in good_pages)
    assert all(isinstance(error, NexmoValidationError) for error in bad_errors)
    assert all(len(recorder.calls) == 1 for recorder in good + bad)
