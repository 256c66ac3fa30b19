"""Tests of login, logout, token replacement, the token provider and connection events."""

from __future__ import annotations

import logging
import pickle
import threading
import time
from typing import Any

import pytest
from client_support import FAST_SETTINGS, WAIT_SECONDS

from nexmo_client import (
    ConnectionStatus,
    ConnectionStatusReason,
    NexmoAuthenticationError,
    NexmoClient,
    NexmoConnectionListener,
    NexmoNotFoundError,
    NexmoTokenProviderError,
    NexmoValidationError,
)
from nexmo_client._tokens import TokenStore
from nexmo_client.testing import Fault, StandInServer

Status = ConnectionStatus
Reason = ConnectionStatusReason


class Events:
    """A connection listener that records events and signals when a given count arrived."""

    def __init__(self) -> None:
        self.events: list[tuple[ConnectionStatus, ConnectionStatusReason]] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def on_connection_status_change(
        self, status: ConnectionStatus, reason: ConnectionStatusReason
    ) -> None:
        with self._lock:
            self.events.append((status, reason))
            self._changed.notify_all()

    def wait_for(self, count: int) -> list[tuple[ConnectionStatus, ConnectionStatusReason]]:
        """Wait until ``count`` events arrived and return them all."""
        with self._lock:
            self._changed.wait_for(lambda: len(self.events) >= count, WAIT_SECONDS)
            return list(self.events)


def _client(server: StandInServer, **settings: Any) -> tuple[NexmoClient, Events]:
    client = NexmoClient(server.url, **{**FAST_SETTINGS, **settings})
    events = Events()
    client.set_connection_listener(events)
    return client, events


def test_login_resolves_user(stand_in: StandInServer) -> None:
    """login finds the user named by the token's sub and reports CONNECTING then CONNECTED."""
    alice = stand_in.store.add_user("alice", display_name="Alice")
    stand_in.store.add_user("alice2")
    client, events = _client(stand_in)

    with client:
        user = client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)

        assert user is not None
        assert user.id == alice.id
        assert client.user == user
        assert client.connection_status is Status.CONNECTED
        assert events.wait_for(2) == [
            (Status.CONNECTING, Reason.LOGIN),
            (Status.CONNECTED, Reason.LOGIN),
        ]
    assert stand_in.requests[0].path == "/v1/users"
    assert ("name", "alice") in stand_in.requests[0].query


def test_login_opaque_token(stand_in: StandInServer) -> None:
    """An opaque token logs in without a user and sends no request."""
    client, events = _client(stand_in)

    with client:
        user = client.login("opaque-token-123").result(WAIT_SECONDS)

        assert user is None
        assert client.user is None
        assert events.wait_for(2)[-1] == (Status.CONNECTED, Reason.LOGIN)
    assert stand_in.requests == []


def test_login_opaque_token_used_for_calls(stand_in: StandInServer) -> None:
    """An opaque token is still sent with later calls."""
    client, _ = _client(stand_in)
    with client:
        client.login("opaque-token-123").result(WAIT_SECONDS)
        error = client.get_user_sessions("USR-1").exception(WAIT_SECONDS)

    assert isinstance(error, NexmoAuthenticationError)
    assert stand_in.requests[-1].path == "/v1/users/USR-1/sessions"


def test_login_user_not_found(stand_in: StandInServer) -> None:
    """A token for a user that does not exist fails login with USER_NOT_FOUND."""
    client, events = _client(stand_in)

    with client:
        error = client.login(stand_in.mint_token("ghost")).exception(WAIT_SECONDS)

        assert isinstance(error, NexmoNotFoundError)
        assert error.type == "user:error:not-found"
        assert "ghost" in error.message
        assert client.user is None
        assert events.wait_for(2)[-1] == (Status.DISCONNECTED, Reason.USER_NOT_FOUND)


@pytest.mark.parametrize(
    ("token_kind", "reason", "code"),
    [
        ("expired", Reason.TOKEN_EXPIRED, "system:error:expired-token"),
        ("foreign", Reason.TOKEN_INVALID, "system:error:invalid-token"),
    ],
)
def test_login_rejected_token(
    stand_in: StandInServer, token_kind: str, reason: ConnectionStatusReason, code: str
) -> None:
    """A token the server rejects fails login with the matching reason and error."""
    stand_in.store.add_user("alice")
    token = stand_in.mint_token("alice", lifetime=-60)
    if token_kind == "foreign":
        with StandInServer() as other:
            token = other.mint_token("alice")
    client, events = _client(stand_in)

    with client:
        error = client.login(token).exception(WAIT_SECONDS)

        assert isinstance(error, NexmoAuthenticationError)
        assert error.type == code
        assert events.wait_for(2) == [
            (Status.CONNECTING, Reason.LOGIN),
            (Status.DISCONNECTED, reason),
        ]
        assert client.connection_status is Status.DISCONNECTED


def test_login_network_error(stand_in: StandInServer) -> None:
    """A connection dropped during login reports NETWORK_ERROR."""
    stand_in.store.add_user("alice")
    stand_in.inject(Fault.drop(), path="/v1/users")
    client, events = _client(stand_in)

    with client:
        error = client.login(stand_in.mint_token("alice")).exception(WAIT_SECONDS)

        assert error is not None
        assert events.wait_for(2)[-1] == (Status.DISCONNECTED, Reason.NETWORK_ERROR)


def test_logout_clears_token(stand_in: StandInServer) -> None:
    """logout clears the user and the token, reports LOGOUT, and later calls send nothing."""
    stand_in.store.add_user("alice")
    client, events = _client(stand_in)

    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.logout()
        stand_in.clear_requests()
        error = client.get_user_sessions("USR-1").exception(WAIT_SECONDS)

        assert client.user is None
        assert isinstance(error, NexmoValidationError)
        assert events.wait_for(3)[-1] == (Status.DISCONNECTED, Reason.LOGOUT)
    assert stand_in.requests == []


def test_update_token_refreshes(stand_in: StandInServer) -> None:
    """update_token swaps the token for later calls and reports TOKEN_REFRESHED."""
    alice = stand_in.store.add_user("alice")
    client, events = _client(stand_in)

    with client:
        client.login(stand_in.mint_token("alice", lifetime=-60)).exception(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice"))
        page = client.get_user_sessions(alice.id).result(WAIT_SECONDS)

        assert page.user_id == alice.id
        assert events.wait_for(3)[-1] == (Status.CONNECTED, Reason.TOKEN_REFRESHED)


def test_update_token_before_login(stand_in: StandInServer) -> None:
    """update_token before any login raises RuntimeError."""
    with NexmoClient(stand_in.url) as client, pytest.raises(RuntimeError, match="login"):
        client.update_token("token")


def test_update_token_keeps_call_in_flight(stand_in: StandInServer) -> None:
    """A call in flight when the token is replaced completes with the token it sent."""
    alice = stand_in.store.add_user("alice")
    path = f"/v1/users/{alice.id}/sessions"
    stand_in.inject(Fault.delay(0.3), path=path, times=1)
    client, _ = _client(stand_in)

    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        in_flight = client.get_user_sessions(alice.id)
        client.update_token(stand_in.mint_token("alice"))
        later = client.get_user_sessions(alice.id)

        assert in_flight.result(WAIT_SECONDS).user_id == alice.id
        assert later.result(WAIT_SECONDS).user_id == alice.id


def test_token_provider_renews_expired(stand_in: StandInServer) -> None:
    """An expired token is renewed by the provider once and the call is retried."""
    alice = stand_in.store.add_user("alice")
    session = stand_in.store.open_session(alice.id)
    asked: list[str] = []

    def provider() -> str:
        asked.append(threading.current_thread().name)
        return stand_in.mint_token("alice")

    client, events = _client(stand_in, token_provider=provider)
    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        page = client.get_user_sessions(alice.id).result(WAIT_SECONDS)

        assert [item.id for item in page] == [session]
        assert len(asked) == 1
        assert asked[0] == f"{client.name}-token-provider"
        assert events.wait_for(4)[-1] == (Status.CONNECTED, Reason.TOKEN_REFRESHED)


def test_token_provider_asked_once_per_call(stand_in: StandInServer) -> None:
    """A provider whose token is also expired is asked once, and the call fails."""
    alice = stand_in.store.add_user("alice")
    asked: list[int] = []

    def provider() -> str:
        asked.append(1)
        return stand_in.mint_token("alice", lifetime=-60)

    client, _ = _client(stand_in, token_provider=provider)
    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        error = client.get_user_sessions(alice.id).exception(WAIT_SECONDS)

    assert isinstance(error, NexmoAuthenticationError)
    assert error.type == "system:error:expired-token"
    assert len(asked) == 1


def test_token_store_skips_provider_when_replaced() -> None:
    """When the token was replaced after a call sent it, renewal returns the current token
    without asking the provider."""
    asked: list[int] = []
    store = TokenStore(lambda: asked.append(1) or "unused")
    sent_generation = store.replace("expired-token")
    store.replace("fresh-token")
    expired = NexmoAuthenticationError("expired", type="system:error:expired-token", status=401)

    token, from_provider = store.renew_after_expiry(
        sent_generation, expired, deadline=time.monotonic() + WAIT_SECONDS, thread_name="test"
    )

    assert token == "fresh-token"
    assert not from_provider
    assert asked == []


def test_token_store_logged_out_reraises() -> None:
    """After logout, renewal raises the server's expired-token error."""
    store = TokenStore(lambda: "unused")
    sent_generation = store.replace("expired-token")
    store.replace(None)
    expired = NexmoAuthenticationError("expired", type="system:error:expired-token", status=401)

    with pytest.raises(NexmoAuthenticationError) as caught:
        store.renew_after_expiry(
            sent_generation, expired, deadline=time.monotonic() + WAIT_SECONDS, thread_name="test"
        )

    assert caught.value is expired


@pytest.mark.parametrize(
    ("provider", "cause"),
    [
        (lambda: (_ for _ in ()).throw(OSError("vault down")), OSError),
        (lambda: None, NexmoAuthenticationError),
        (lambda: "", NexmoAuthenticationError),
    ],
    ids=["raises", "returns None", "returns empty"],
)
def test_token_provider_failure(stand_in: StandInServer, provider: Any, cause: type) -> None:
    """A provider that raises or returns no token fails the call with
    NexmoTokenProviderError chained to the cause."""
    alice = stand_in.store.add_user("alice")
    client, events = _client(stand_in, token_provider=provider)

    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        error = client.get_user_sessions(alice.id).exception(WAIT_SECONDS)

        assert isinstance(error, NexmoTokenProviderError)
        assert error.type == "error:token-provider"
        assert isinstance(error.__cause__, cause)
        assert events.wait_for(4)[-1] == (Status.DISCONNECTED, Reason.TOKEN_EXPIRED)


def test_token_provider_shared_by_concurrent_calls(stand_in: StandInServer) -> None:
    """Calls that fail together with an expired token share one provider token."""
    alice = stand_in.store.add_user("alice")
    asked: list[int] = []
    release = threading.Event()

    def provider() -> str:
        asked.append(1)
        release.wait(WAIT_SECONDS)
        return stand_in.mint_token("alice")

    client, _ = _client(stand_in, token_provider=provider, max_workers=4)
    with client:
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.update_token(stand_in.mint_token("alice", lifetime=-60))
        futures = [client.get_user_sessions(alice.id) for _ in range(4)]
        release.set()
        pages = [future.result(WAIT_SECONDS) for future in futures]

    assert all(page.user_id == alice.id for page in pages)
    assert len(asked) == 1


def test_connection_listener_raising_isolated(stand_in: StandInServer) -> None:
    """A connection listener that raises is logged and still gets later events."""
    stand_in.store.add_user("alice")
    received: list[Any] = []
    done = threading.Event()

    def change(status: ConnectionStatus, reason: ConnectionStatusReason) -> None:
        received.append((status, reason))
        if reason is Reason.LOGOUT:
            done.set()
        raise RuntimeError("listener bug")

    with NexmoClient(stand_in.url, **FAST_SETTINGS) as client:
        client.set_connection_listener(NexmoConnectionListener(on_connection_status_change=change))
        client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
        client.logout()

        assert done.wait(WAIT_SECONDS)
    assert received[-1] == (Status.DISCONNECTED, Reason.LOGOUT)
    assert len(received) == 3


def test_logging_never_contains_token(
    stand_in: StandInServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A login, a retry, an error and a token refresh log nothing that contains a token."""
    alice = stand_in.store.add_user("alice")
    tokens = [stand_in.mint_token("alice"), stand_in.mint_token("alice", lifetime=-60)]
    fresh = stand_in.mint_token("alice", extra_claims={"n": 1})
    tokens.append(fresh)
    path = f"/v1/users/{alice.id}/sessions"
    caplog.set_level(logging.DEBUG, logger="nexmo_client")

    with NexmoClient(
        stand_in.url, token_provider=lambda: fresh, **{**FAST_SETTINGS, "max_retries": 1}
    ) as client:
        client.login(tokens[0]).result(WAIT_SECONDS)
        stand_in.inject(Fault.status(503, body=b""), path=path, times=1)
        client.get_user_sessions(alice.id).result(WAIT_SECONDS)
        error = client.get_user_sessions("USR-missing").exception(WAIT_SECONDS)
        client.update_token(tokens[1])
        client.get_user_sessions(alice.id).result(WAIT_SECONDS)
        text = repr(client)

    messages = [record.getMessage() for record in caplog.records]
    assert any("retrying" in message for message in messages)
    assert any("renewed" in message for message in messages)
    for token in tokens:
        assert all(token not in message for message in messages)
        assert token not in text
        assert token not in str(error)
        assert token not in repr(error)
        assert token.encode() not in pickle.dumps(error)
    assert all("Bearer" not in message for message in messages)
