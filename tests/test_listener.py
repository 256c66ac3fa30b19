"""Tests of the request and connection listener classes."""

from __future__ import annotations

from typing import Any

import pytest

from nexmo_client import (
    ConnectionStatus,
    ConnectionStatusReason,
    NexmoApiError,
    NexmoConnectionListener,
    NexmoRequestListener,
)


def test_request_listener_from_callables() -> None:
    """Callables passed to the constructor receive the result and the error."""
    results: list[Any] = []
    errors: list[NexmoApiError] = []
    listener = NexmoRequestListener[int](on_success=results.append, on_error=errors.append)
    error = NexmoApiError("failed")

    listener.on_success(5)
    listener.on_error(error)

    assert results == [5]
    assert errors == [error]


@pytest.mark.parametrize(
    "keywords",
    [{}, {"on_success": print}, {"on_error": print}],
)
def test_request_listener_missing_callable(keywords: dict[str, Any]) -> None:
    """Building a listener without both callables raises TypeError."""
    with pytest.raises(TypeError, match=r"on_success|on_error"):
        NexmoRequestListener(**keywords)


def test_request_listener_not_callable() -> None:
    """A callback that is not callable raises TypeError naming it."""
    with pytest.raises(TypeError, match="on_error must be callable"):
        NexmoRequestListener(on_success=print, on_error="print")  # type: ignore[arg-type]


def test_request_listener_subclass_overrides() -> None:
    """A subclass that overrides both methods needs no callables, as a Java anonymous class."""
    received: list[Any] = []

    class Listener(NexmoRequestListener[str]):
        def on_success(self, result: str) -> None:
            received.append(result)

        def on_error(self, error: NexmoApiError) -> None:
            received.append(error)

    Listener().on_success("page")

    assert received == ["page"]


def test_request_listener_subclass_missing_override() -> None:
    """A subclass that overrides only on_success raises TypeError naming on_error."""

    class Listener(NexmoRequestListener[str]):
        def on_success(self, result: str) -> None:
            pass

    with pytest.raises(TypeError, match="on_error"):
        Listener()


def test_connection_listener_from_callable() -> None:
    """The callable receives the status and the reason."""
    events: list[tuple[ConnectionStatus, ConnectionStatusReason]] = []
    listener = NexmoConnectionListener(
        on_connection_status_change=lambda status, reason: events.append((status, reason))
    )

    listener.on_connection_status_change(ConnectionStatus.CONNECTED, ConnectionStatusReason.LOGIN)

    assert events == [(ConnectionStatus.CONNECTED, ConnectionStatusReason.LOGIN)]


def test_connection_listener_missing_callable() -> None:
    """A connection listener without a callable or an override raises TypeError."""
    with pytest.raises(TypeError, match="on_connection_status_change"):
        NexmoConnectionListener()


def test_connection_listener_nested_enums() -> None:
    """The statuses and reasons are reachable as Android's nested enums."""
    assert NexmoConnectionListener.ConnectionStatus is ConnectionStatus
    assert NexmoConnectionListener.ConnectionStatusReason is ConnectionStatusReason


def test_connection_status_members() -> None:
    """The statuses and reasons have Android's names."""
    statuses = {member.name for member in ConnectionStatus}
    reasons = {member.name for member in ConnectionStatusReason}

    assert statuses == {"CONNECTED", "CONNECTING", "DISCONNECTED", "UNKNOWN"}
    assert reasons == {
        "LOGIN",
        "LOGOUT",
        "TOKEN_REFRESHED",
        "TOKEN_INVALID",
        "TOKEN_EXPIRED",
        "USER_NOT_FOUND",
        "NETWORK_ERROR",
        "UNKNOWN",
    }
