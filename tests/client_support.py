"""Helpers for the client tests: a recording listener and a logged-in client."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

from nexmo_client import NexmoApiError, NexmoClient
from nexmo_client.testing import StandInServer

WAIT_SECONDS = 10.0

# Timeouts short enough that a fault test ends quickly, long enough for a loaded CI machine.
FAST_SETTINGS: dict[str, Any] = {
    "connect_timeout": 2.0,
    "read_timeout": 2.0,
    "request_deadline": 4.0,
    "total_deadline": 8.0,
    "max_retries": 0,
}


class Recorder:
    """A listener that records each callback, its thread, and whether the call's Future was
    already done when the callback ran."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.threads: list[str] = []
        self.future_done_during_callback: list[bool] = []
        self.done = threading.Event()
        self._future: Future[Any] | None = None
        self._future_set = threading.Event()

    def watch(self, future: Future[Any]) -> Future[Any]:
        """Remember the call's Future, so the callback can check its state."""
        self._future = future
        self._future_set.set()
        return future

    def on_success(self, result: Any) -> None:
        self._record("success", result)

    def on_error(self, error: NexmoApiError) -> None:
        self._record("error", error)

    def _record(self, kind: str, value: Any) -> None:
        self.threads.append(threading.current_thread().name)
        if self._future_set.wait(WAIT_SECONDS) and self._future is not None:
            self.future_done_during_callback.append(self._future.done())
        self.calls.append((kind, value))
        self.done.set()

    def outcome(self) -> tuple[str, Any]:
        """Wait for the callback and return its kind and value."""
        if not self.done.wait(WAIT_SECONDS):
            raise AssertionError("the listener got no callback in time")
        return self.calls[0]

    def error(self) -> NexmoApiError:
        """Wait for the callback and return the error it received."""
        kind, value = self.outcome()
        if kind != "error":
            raise AssertionError(f"expected on_error, got on_success({value!r})")
        assert isinstance(value, NexmoApiError)
        return value

    def result(self) -> Any:
        """Wait for the callback and return the result it received."""
        kind, value = self.outcome()
        if kind != "success":
            raise AssertionError(f"expected on_success, got on_error({value!r})")
        return value


def logged_in_client(server: StandInServer, name: str = "alice", **settings: Any) -> NexmoClient:
    """Return a client of ``server`` logged in as ``name``, adding the user when missing."""
    if server.store.user_by_name(name) is None:
        server.store.add_user(name)
    client = NexmoClient(server.url, **{**FAST_SETTINGS, **settings})
    client.login(server.mint_token(name)).result(WAIT_SECONDS)
    return client
