"""The client in hard cases: close() during a retry wait, the total deadline across a token
renewal, odd tokens and user ids, and settings at their limits."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time

import pytest

from nexmo_client import (
    NexmoAuthenticationError,
    NexmoCancelledError,
    NexmoClient,
    NexmoPendingLimitError,
    NexmoTimeoutError,
    NexmoValidationError,
)
from nexmo_client.executors import asyncio_executor
from nexmo_client.testing import Fault, StandInServer
from tests.client_support import WAIT_SECONDS, Recorder, logged_in_client
from tests.raw_server import RawServer


class _RetryWarningSeen(logging.Handler):
    """Sets an event when the transport logs that it will retry."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying in" in record.getMessage():
            self.seen.set()


def test_close_ends_retry_wait(stand_in: StandInServer) -> None:
    """close() during a Retry-After wait returns at once and cancels the call."""
    client = logged_in_client(stand_in, max_retries=3, total_deadline=30.0)
    alice = stand_in.store.user_by_name("alice")
    assert alice is not None
    stand_in.clear_requests()
    stand_in.inject(Fault.status(503, b"", {"Retry-After": "6"}), user_id=alice.id)
    watcher = _RetryWarningSeen()
    logging.getLogger("nexmo_client.http").addHandler(watcher)
    recorder = Recorder()
    try:
        recorder.watch(client.get_user_sessions(alice.id, 10, "asc", recorder))
        assert watcher.seen.wait(WAIT_SECONDS)
        started = time.monotonic()
        client.close()
        elapsed = time.monotonic() - started
    finally:
        logging.getLogger("nexmo_client.http").removeHandler(watcher)

    assert elapsed < 2.0
    assert isinstance(recorder.error(), NexmoCancelledError)
    assert len(stand_in.requests) == 1


def test_close_without_wait_returns_at_once() -> None:
    """close(wait=False) returns while a request hangs, and the call is still delivered."""
    server = RawServer(reply=None)
    # An opaque token logs in without a request, so the only request is the call below.
    client = NexmoClient(server.url, total_deadline=1.5, max_retries=0)
    try:
        client.login("opaque-token").result(WAIT_SECONDS)
        recorder = Recorder()
        recorder.watch(client.get_user_sessions("USR-1", 10, "asc", recorder))
        assert server.received.wait(WAIT_SECONDS)

        started = time.monotonic()
        client.close(wait=False)
        elapsed = time.monotonic() - started
        error = recorder.error()
    finally:
        client.close()
        server.close()

    assert elapsed < 0.5
    assert isinstance(error, NexmoTimeoutError)


def test_total_deadline_covers_token_renewal(stand_in: StandInServer) -> None:
    """A token provider slower than the total deadline ends the call with a timeout at the
    deadline, and close() does not wait for the provider."""
    alice = stand_in.store.add_user("alice")
    release_provider = threading.Event()

    def slow_provider() -> str:
        # Much longer than the client's total deadline below, unless the test releases it.
        release_provider.wait(WAIT_SECONDS)
        return stand_in.mint_token("alice")

    client = NexmoClient(
        stand_in.url, token_provider=slow_provider, total_deadline=1.5, max_retries=0
    )
    try:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        stand_in.clear_requests()
        recorder = Recorder()
        started = time.monotonic()
        recorder.watch(client.get_user_sessions(alice.id, 10, "asc", recorder))
        error = recorder.error()
        elapsed = time.monotonic() - started
        closing_started = time.monotonic()
        client.close()
        closing = time.monotonic() - closing_started
    finally:
        release_provider.set()
        client.close()

    assert isinstance(error, NexmoTimeoutError)
    assert "renewed" in error.message
    assert elapsed < 4.0
    assert closing < 2.0
    assert len(stand_in.requests) == 1


def test_logout_during_renewal_wins(stand_in: StandInServer) -> None:
    """A token that the provider returns after a logout is dropped, so the client stays
    logged out."""
    alice = stand_in.store.add_user("alice")
    provider_entered = threading.Event()
    release_provider = threading.Event()

    def provider() -> str:
        provider_entered.set()
        release_provider.wait(WAIT_SECONDS)
        return stand_in.mint_token("alice")

    with NexmoClient(stand_in.url, token_provider=provider, max_retries=0) as client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        renewing = Recorder()
        renewing.watch(client.get_user(alice.id, renewing))
        assert provider_entered.wait(WAIT_SECONDS)
        client.logout()
        release_provider.set()
        renewing_error = renewing.error()
        after = Recorder()
        after.watch(client.get_user(alice.id, after))
        after_error = after.error()

    assert isinstance(renewing_error, NexmoAuthenticationError)
    assert isinstance(after_error, NexmoValidationError)


def test_close_inside_provider_no_deadlock(stand_in: StandInServer) -> None:
    """close() called by the token provider while two calls wait for it ends both calls."""
    alice = stand_in.store.add_user("alice")
    holder: list[NexmoClient] = []

    def closing_provider() -> str:
        holder[0].close()
        return stand_in.mint_token("alice")

    client = NexmoClient(
        stand_in.url, token_provider=closing_provider, total_deadline=3.0, max_retries=0
    )
    holder.append(client)
    client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
    client.update_token(stand_in.mint_token("alice", lifetime=-60))
    first, second = Recorder(), Recorder()
    first.watch(client.get_user(alice.id, first))
    second.watch(client.get_user(alice.id, second))

    assert first.done.wait(WAIT_SECONDS)
    assert second.done.wait(WAIT_SECONDS)
    assert len(first.calls) == 1
    assert len(second.calls) == 1


def test_update_token_other_user_during_login(stand_in: StandInServer) -> None:
    """update_token with another user's token is rejected while login is still running."""
    stand_in.store.add_user("alice")
    stand_in.store.add_user("bob")
    stand_in.inject(Fault.delay(0.5), path="/v1/users", times=1)
    with NexmoClient(stand_in.url) as client:
        login = client.login(stand_in.mint_token("alice"))
        with pytest.raises(ValueError, match="'bob'"):
            client.update_token(stand_in.mint_token("bob"))
        user = login.result(WAIT_SECONDS)

    assert user is not None
    assert user.name == "alice"


def test_closed_loop_executor_no_false_guard(stand_in: StandInServer) -> None:
    """After its asyncio loop is closed, result() on the loop's former thread waits for the
    call instead of raising the deadlock RuntimeError."""

    async def build() -> NexmoClient:
        client = NexmoClient(
            stand_in.url, callback_executor=asyncio_executor(asyncio.get_running_loop())
        )
        # An opaque token is stored at once; its login sends no request.
        client.login("opaque-token")
        return client

    client = asyncio.run(build())
    try:
        future = client.get_user_sessions("USR-1", 10, "asc")
        with pytest.raises(NexmoAuthenticationError):
            future.result(WAIT_SECONDS)
    finally:
        client.close()


def test_total_deadline_alone_accepted(stand_in: StandInServer) -> None:
    """total_deadline shorter than the default request deadline bounds the call by itself."""
    alice = stand_in.store.add_user("alice")
    client = NexmoClient(stand_in.url, total_deadline=1.0)
    client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
    stand_in.inject(Fault.hang(), user_id=alice.id)
    recorder = Recorder()
    started = time.monotonic()
    try:
        recorder.watch(client.get_user_sessions(alice.id, 10, "asc", recorder))
        error = recorder.error()
    finally:
        client.close()

    assert isinstance(error, NexmoTimeoutError)
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize("setting", ["connect_timeout", "total_deadline", "request_deadline"])
def test_huge_timeout_rejected(stand_in: StandInServer, setting: str) -> None:
    """A timeout past one day raises ValueError naming the setting."""
    with pytest.raises(ValueError, match=f"^{setting} "):
        NexmoClient(stand_in.url, **{setting: 1e300})


def test_surrogate_user_id_goes_to_on_error(stand_in: StandInServer) -> None:
    """A user id with a lone surrogate is a validation error, and nothing is sent."""
    with logged_in_client(stand_in) as client:
        stand_in.clear_requests()
        recorder = Recorder()
        recorder.watch(client.get_user_sessions("USR-\ud800", 10, "asc", recorder))
        error = recorder.error()

    assert isinstance(error, NexmoValidationError)
    assert "U+D800" in error.message
    assert stand_in.requests == []


def test_login_deeply_nested_token_payload(stand_in: StandInServer) -> None:
    """A token whose payload nests too deep logs in as an opaque token, without raising."""
    payload = base64.urlsafe_b64encode(b"[" * 5000).rstrip(b"=").decode("ascii")
    with NexmoClient(stand_in.url) as client:
        user = client.login(f"e30.{payload}.c2ln").result(WAIT_SECONDS)

        assert user is None
        assert client.user is None


def test_update_token_other_user_rejected(stand_in: StandInServer) -> None:
    """update_token with a token for another user raises ValueError and keeps the token."""
    stand_in.store.add_user("bob")
    with logged_in_client(stand_in) as client:
        with pytest.raises(ValueError, match="'bob'"):
            client.update_token(stand_in.mint_token("bob"))
        client.update_token(stand_in.mint_token("alice"))

        assert client.user is not None
        assert client.user.name == "alice"


def test_pending_limit_names_setting(stand_in: StandInServer) -> None:
    """The pending-limit error names the client setting that raises the limit."""
    with logged_in_client(stand_in, max_pending_calls=1) as client:
        alice = client.user
        assert alice is not None
        stand_in.inject(Fault.delay(1.0), user_id=alice.id, times=1)
        first = client.get_user_sessions(alice.id, 10, "asc")
        recorder = Recorder()
        recorder.watch(client.get_user_sessions(alice.id, 10, "asc", recorder))
        error = recorder.error()
        first.result(WAIT_SECONDS)

    assert isinstance(error, NexmoPendingLimitError)
    assert "max_pending_calls" in error.message


def test_login_uses_v1_users_list(stand_in: StandInServer) -> None:
    """Login finds the user through the v1 users list even when api_version is v0.3."""
    with logged_in_client(stand_in, api_version="v0.3") as client:
        alice = client.user
        assert alice is not None
        client.get_user_sessions(alice.id).result(WAIT_SECONDS)

    paths = [request.path for request in stand_in.requests]
    assert paths == ["/v1/users", f"/v0.3/users/{alice.id}/sessions"]


def test_close_keeps_deadline_of_running_request() -> None:
    """A request on the wire when close() starts is still cut at its deadline, so close()
    does not wait for a server that drips its reply."""
    server = RawServer(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        + b"X-Padding: "
        + b"x" * 200
        + b"\r\n\r\n{}",
        drip_interval=0.1,
    )
    # read_timeout is longer than the drip interval, so only the deadline can end the read.
    client = NexmoClient(
        server.url, read_timeout=1.0, request_deadline=1.5, total_deadline=1.5, max_retries=0
    )
    try:
        client.login("opaque-token").result(WAIT_SECONDS)
        recorder = Recorder()
        recorder.watch(client.get_user_sessions("USR-1", 10, "asc", recorder))
        assert server.received.wait(WAIT_SECONDS)

        started = time.monotonic()
        client.close()
        elapsed = time.monotonic() - started
        error = recorder.error()
    finally:
        client.close()
        server.close()

    assert elapsed < 3.0
    assert isinstance(error, NexmoTimeoutError)
