"""Tests of a NexmoClient used from many threads at once, of cancellation by the caller, and of
the exit of a program that never closes its client."""

from __future__ import annotations

import queue
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from client_support import FAST_SETTINGS, WAIT_SECONDS, Recorder, logged_in_client

from nexmo_client import (
    ConnectionStatus,
    ConnectionStatusReason,
    NexmoCancelledError,
    NexmoClient,
    NexmoUser,
    NexmoUserSessionsPage,
)
from nexmo_client.testing import StandInServer

# The caller threads of the thread-safety test, and how many times each runs every method.
CALLER_THREADS = 12
ROUNDS = 3


class StatusEventRecorder:
    """Connection status events, recorded by several connection listener objects in one list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[tuple[ConnectionStatus, ConnectionStatusReason]] = []

    def listener(self) -> Any:
        """Return a new connection listener object that appends to ``events``."""
        recorder = self

        class CountingListener:
            def on_connection_status_change(
                self, status: ConnectionStatus, reason: ConnectionStatusReason
            ) -> None:
                with recorder._lock:
                    recorder.events.append((status, reason))

        return CountingListener()


def test_public_methods_thread_safe(stand_in: StandInServer) -> None:
    """Twelve threads mixing every public method on one client get one callback per call,
    no unexpected error, and leave no client thread after close()."""
    bob = stand_in.store.add_user("bob")
    for _ in range(25):
        stand_in.store.open_session(bob.id)
    client = logged_in_client(stand_in, max_workers=4)
    # Minted up front, so that the threads measure the client rather than RSA signing.
    tokens: queue.SimpleQueue[str] = queue.SimpleQueue()
    for _ in range(CALLER_THREADS * ROUNDS):
        tokens.put(stand_in.mint_token("alice"))
    status_events = StatusEventRecorder()
    client.set_connection_listener(status_events.listener())
    first_page = client.get_user_sessions(bob.id, 10).result(WAIT_SECONDS)

    barrier = threading.Barrier(CALLER_THREADS, timeout=WAIT_SECONDS)
    calls: list[tuple[str, Recorder, Future[Any]]] = []
    found_clients: list[NexmoClient] = []
    statuses: list[ConnectionStatus] = []
    thread_errors: list[BaseException] = []

    def call_sessions() -> None:
        recorder = Recorder()
        future = client.get_user_sessions(bob.id, 10, listener=recorder)
        calls.append(("sessions", recorder, recorder.watch(future)))

    def call_user() -> None:
        recorder = Recorder()
        future = client.get_user(bob.id, recorder)
        calls.append(("user", recorder, recorder.watch(future)))

    def call_next() -> None:
        recorder = Recorder()
        future = first_page.get_next(recorder)
        calls.append(("next", recorder, recorder.watch(future)))

    def replace_token() -> None:
        client.update_token(tokens.get_nowait())

    def replace_connection_listener() -> None:
        client.set_connection_listener(status_events.listener())

    def find_client() -> None:
        found_clients.append(NexmoClient.get())

    def read_status() -> None:
        statuses.append(client.connection_status)

    operations: list[Callable[[], None]] = [
        call_sessions,
        call_user,
        call_next,
        replace_token,
        replace_connection_listener,
        find_client,
        read_status,
    ]

    def run(index: int) -> None:
        # Each thread starts at another operation, so that different methods overlap.
        rotated = operations[index % len(operations) :] + operations[: index % len(operations)]
        try:
            barrier.wait()
            for _ in range(ROUNDS):
                for operation in rotated:
                    operation()
        except BaseException as error:
            thread_errors.append(error)

    threads = [
        threading.Thread(target=run, args=(index,), name=f"caller-{index}")
        for index in range(CALLER_THREADS)
    ]
    with client:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT_SECONDS)
        for _, _, future in calls:
            future.exception(WAIT_SECONDS)

    left_threads = [
        thread.name for thread in threading.enumerate() if thread.name.startswith(f"{client.name}-")
    ]
    assert thread_errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert len(calls) == CALLER_THREADS * ROUNDS * 3
    for kind, recorder, future in calls:
        assert future.done(), kind
        assert len(recorder.calls) == 1, kind
        assert recorder.calls[0][0] == "success", (kind, recorder.calls[0][1])
        assert recorder.future_done_during_callback == [False], kind
    first_ids = {session.id for session in first_page}
    for kind, _, future in calls:
        result = future.result()
        if kind == "user":
            assert isinstance(result, NexmoUser)
            assert result.id == bob.id
        else:
            assert isinstance(result, NexmoUserSessionsPage)
            assert result.user_id == bob.id
            assert len(result) == 10
        if kind == "next":
            assert first_ids.isdisjoint(session.id for session in result)
    assert found_clients == [client] * (CALLER_THREADS * ROUNDS)
    assert statuses == [ConnectionStatus.CONNECTED] * (CALLER_THREADS * ROUNDS)
    # Every update_token reaches exactly one of the listeners, whichever was set then.
    refreshed = (ConnectionStatus.CONNECTED, ConnectionStatusReason.TOKEN_REFRESHED)
    assert status_events.events == [refreshed] * (CALLER_THREADS * ROUNDS)
    assert left_threads == []


def test_cancel_queued_call_sends_nothing(stand_in: StandInServer) -> None:
    """A call cancelled while the only worker is busy gets one NexmoCancelledError and sends
    no request."""
    alice = stand_in.store.add_user("alice")
    bob = stand_in.store.add_user("bob")
    provider_entered = threading.Event()
    provider_release = threading.Event()

    def provider() -> str:
        # Holds the only worker inside the first call until the test releases it.
        provider_entered.set()
        provider_release.wait(WAIT_SECONDS)
        return stand_in.mint_token("alice")

    client = NexmoClient(stand_in.url, max_workers=1, token_provider=provider, **FAST_SETTINGS)
    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        running, queued = Recorder(), Recorder()
        running.watch(client.get_user_sessions(alice.id, listener=running))
        assert provider_entered.wait(WAIT_SECONDS)

        second = queued.watch(client.get_user_sessions(bob.id, listener=queued))
        cancelled = second.cancel()
        cancelled_error = queued.error()
        provider_release.set()
        running_page = running.result()

    assert cancelled is True
    assert second.cancelled()
    assert isinstance(cancelled_error, NexmoCancelledError)
    assert cancelled_error.type == "error:cancelled"
    assert len(queued.calls) == 1
    assert running_page.user_id == alice.id
    assert len(running.calls) == 1
    assert [request for request in stand_in.requests if bob.id in request.path] == []


# Builds a client with ten-minute limits, logs in, submits three calls that the stand-in never
# responds to, prints "submitted" and ends the main thread without closing anything.
UNCLOSED_PROGRAM = """
from nexmo_client import NexmoClient
from nexmo_client.testing import Fault, StandInServer

server = StandInServer().start()
alice = server.store.add_user("alice")
server.inject(Fault.hang(), user_id=alice.id)
client = NexmoClient(
    server.url, total_deadline=600, request_deadline=600, read_timeout=600, max_retries=0
)
client.login(server.mint_token("alice")).result(30)
for _ in range(3):
    client.get_user_sessions(alice.id)
print("submitted", flush=True)
"""


@pytest.mark.slow
def test_exit_without_close(tmp_path: Path) -> None:
    """A program that never closes its client, with three calls hanging, exits 0 within
    3 seconds of submitting them."""
    stderr_path = tmp_path / "stderr.txt"
    lines: queue.Queue[str] = queue.Queue()
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(UNCLOSED_PROGRAM)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    stdout = process.stdout

    def read_lines() -> None:
        with stdout:
            for line in stdout:
                lines.put(line.strip())

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    try:
        try:
            first_line = lines.get(timeout=30)
        except queue.Empty:
            pytest.fail("the program printed no line within 30 s")
        submitted_at = time.monotonic()
        try:
            returncode = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("the program was still running 10 s after it printed its first line")
        exit_seconds = time.monotonic() - submitted_at
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)

    stderr_text = stderr_path.read_text(encoding="utf-8")
    assert first_line == "submitted", stderr_text
    assert returncode == 0, stderr_text
    assert exit_seconds < 3.0
