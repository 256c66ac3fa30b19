"""Tests of the client's connections: the connect timeout and the reuse of pooled connections."""

from __future__ import annotations

import logging
import socket
import threading
import time
from concurrent.futures import Future
from typing import Any
from urllib.parse import urlsplit

import pytest
from client_support import WAIT_SECONDS, logged_in_client

from nexmo_client import NexmoClient, NexmoTimeoutError, NexmoUserSessionsPage
from nexmo_client.testing import StandInServer

CONNECT_TIMEOUT = 0.5
# Time allowed past the connect timeout for starting a worker and delivering the error.
TIMEOUT_MARGIN = 1.5

POOL_WORKERS = 8
POOL_CALLS = 200


def test_connect_timeout_full_backlog() -> None:
    """A call to a loopback listener whose backlog is full fails with a connect timeout."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        address = listener.getsockname()
        # With listen(0), Linux queues one connection that the test never accepts, and then drops
        # the SYN of every later one, so their connect() waits until it times out.
        with socket.create_connection(address, timeout=WAIT_SECONDS):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.settimeout(0.2)
            try:
                probe.connect(address)
                queued_past_backlog = True
            except TimeoutError:
                queued_past_backlog = False
            finally:
                probe.close()
            if queued_past_backlog:
                pytest.skip(
                    "the kernel accepted a connection past a full listen(0) backlog, so no "
                    "connect can time out against this listener"
                )

            with NexmoClient(
                f"http://127.0.0.1:{address[1]}",
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=3.0,
                request_deadline=5.0,
                total_deadline=10.0,
                max_retries=0,
            ) as client:
                # An opaque token logs in without a request, so only the call connects.
                client.login("opaque-token").result(WAIT_SECONDS)
                started = time.monotonic()
                error = client.get_user_sessions("USR-1").exception(WAIT_SECONDS)
                elapsed = time.monotonic() - started

    assert isinstance(error, NexmoTimeoutError)
    assert error.type == "error:network:timeout"
    assert "timed out while connecting" in error.message
    assert elapsed >= CONNECT_TIMEOUT * 0.9
    assert elapsed < CONNECT_TIMEOUT + TIMEOUT_MARGIN


def test_pool_reuses_connections(
    stand_in: StandInServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """200 calls on 8 workers open at most 8 connections, and urllib3 never reports a full
    pool."""
    alice = stand_in.store.add_user("alice")
    stand_in.store.open_session(alice.id)
    port = urlsplit(stand_in.url).port
    opened: list[Any] = []
    original_connect = socket.socket.connect

    def counting_connect(self: socket.socket, address: Any) -> None:
        # Counts only the client's connections: the stand-in accepts and never connects.
        if isinstance(address, tuple) and address[1] == port:
            opened.append(address)
        original_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    caplog.set_level(logging.WARNING)

    barrier = threading.Barrier(POOL_WORKERS, timeout=WAIT_SECONDS)
    futures: list[Future[NexmoUserSessionsPage]] = []
    caller_errors: list[BaseException] = []
    client = logged_in_client(stand_in, max_workers=POOL_WORKERS)

    def submit_calls() -> None:
        try:
            barrier.wait()
            for _ in range(POOL_CALLS // POOL_WORKERS):
                futures.append(client.get_user_sessions(alice.id))
        except BaseException as error:
            caller_errors.append(error)

    callers = [threading.Thread(target=submit_calls) for _ in range(POOL_WORKERS)]
    with client:
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(WAIT_SECONDS)
        pages = [future.result(WAIT_SECONDS) for future in futures]

    full_pool_warnings = [
        record.getMessage()
        for record in caplog.records
        if "Connection pool is full" in record.getMessage()
    ]
    assert caller_errors == []
    assert len(pages) == POOL_CALLS
    assert all(page.user_id == alice.id for page in pages)
    # The login request and the calls share the pool.
    assert len(stand_in.requests) == POOL_CALLS + 1
    assert 1 <= len(opened) <= POOL_WORKERS
    assert full_pool_warnings == []
