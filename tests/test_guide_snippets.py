"""The Android guide's "Get User Sessions" snippets, ported line by line and run.

Each Kotlin ``object : NexmoRequestListener<NexmoUserSessionsPage> { ... }`` becomes an
object with ``on_success``/``on_error``, and each Java anonymous
``new NexmoRequestListener<>() { @Override ... }`` becomes a subclass. "USR-id" is the seeded
user's real id.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from client_support import WAIT_SECONDS

from nexmo_client import (
    NexmoApiError,
    NexmoClient,
    NexmoPageOrder,
    NexmoRequestListener,
    NexmoUserSessionsPage,
)
from nexmo_client.testing import StandInServer, Store

USER_ID = "USR-82e028d9-5201-4f1e-8188-604b2d3471ec"
SESSION_IDS = [
    "SES-84ebef0d-321a-47e6-8446-f4fcc5ca74b9",
    "SES-5b1e2b0c-8f0e-4a57-9a43-0c6a1f9f3e21",
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[NexmoClient]:
    """A client logged in to a stand-in seeded with alice and her two sessions."""
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "users": [
                    {
                        "id": USER_ID,
                        "name": "alice",
                        "display_name": "Alice Smith",
                        "sessions": [{"id": session_id} for session_id in SESSION_IDS],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    with StandInServer(Store.from_seed_file(seed)) as server:
        client = NexmoClient.Builder().rest_environment_host(server.url).build()
        with client:
            client.login(server.mint_token("alice")).result(WAIT_SECONDS)
            yield client


class Collected:
    """What the ported listeners store in place of the guide's "handle ..." comments."""

    def __init__(self) -> None:
        self.session_ids: list[str] = []
        self.errors: list[NexmoApiError] = []
        self.done = threading.Event()


def test_guide_kotlin_client_get_user_sessions(client: NexmoClient) -> None:
    """The Kotlin client.getUserSessions snippet, with an object listener."""
    collected = Collected()

    class _Listener:  # object: NexmoRequestListener<NexmoUserSessionsPage> {
        def on_success(self, result: NexmoUserSessionsPage | None) -> None:
            # handle page of sessions
            assert result is not None
            collected.session_ids = [session.id for session in result.get_data()]
            collected.done.set()

        def on_error(self, error: NexmoApiError) -> None:
            # handle error
            collected.errors.append(error)
            collected.done.set()

    client.get_user_sessions(USER_ID, 20, NexmoPageOrder.NexmoMPageOrderAsc, _Listener())

    assert collected.done.wait(WAIT_SECONDS)
    assert collected.errors == []
    assert collected.session_ids == SESSION_IDS


def test_guide_kotlin_user_get_sessions(client: NexmoClient) -> None:
    """The Kotlin user.getSessions snippet, with an object listener."""
    collected = Collected()
    user = client.user
    assert user is not None

    class _Listener:
        def on_success(self, result: NexmoUserSessionsPage | None) -> None:
            assert result is not None
            collected.session_ids = [session.id for session in result.get_data()]
            collected.done.set()

        def on_error(self, error: NexmoApiError) -> None:
            collected.errors.append(error)
            collected.done.set()

    user.get_sessions(20, NexmoPageOrder.NexmoMPageOrderAsc, _Listener())

    assert collected.done.wait(WAIT_SECONDS)
    assert collected.errors == []
    assert collected.session_ids == SESSION_IDS


def test_guide_java_client_get_user_sessions(client: NexmoClient) -> None:
    """The Java client.getUserSessions snippet, with an anonymous subclass."""
    collected = Collected()

    class _Listener(NexmoRequestListener[NexmoUserSessionsPage]):
        def on_success(self, result: NexmoUserSessionsPage | None) -> None:  # @Override
            assert result is not None
            collected.session_ids = [session.id for session in result.get_data()]
            collected.done.set()

        def on_error(self, error: NexmoApiError) -> None:  # @Override
            collected.errors.append(error)
            collected.done.set()

    client.get_user_sessions(USER_ID, 20, NexmoPageOrder.NexmoMPageOrderAsc, _Listener())

    assert collected.done.wait(WAIT_SECONDS)
    assert collected.errors == []
    assert collected.session_ids == SESSION_IDS


def test_guide_java_user_get_sessions(client: NexmoClient) -> None:
    """The Java user.getSessions snippet, with an anonymous subclass."""
    collected = Collected()
    user = client.user
    assert user is not None

    class _Listener(NexmoRequestListener[NexmoUserSessionsPage]):
        def on_success(self, result: NexmoUserSessionsPage | None) -> None:
            assert result is not None
            collected.session_ids = [session.id for session in result.get_data()]
            collected.done.set()

        def on_error(self, error: NexmoApiError) -> None:
            collected.errors.append(error)
            collected.done.set()

    user.get_sessions(20, NexmoPageOrder.NexmoMPageOrderAsc, _Listener())

    assert collected.done.wait(WAIT_SECONDS)
    assert collected.errors == []
    assert collected.session_ids == SESSION_IDS


def test_guide_lambda_listener(client: NexmoClient) -> None:
    """The Python form with two callables gives the same sessions."""
    collected = Collected()

    def show(result: NexmoUserSessionsPage) -> None:
        collected.session_ids = [session.id for session in result]
        collected.done.set()

    def report(error: NexmoApiError) -> None:
        collected.errors.append(error)
        collected.done.set()

    client.get_user_sessions(
        USER_ID, 20, "asc", NexmoRequestListener(on_success=show, on_error=report)
    )

    assert collected.done.wait(WAIT_SECONDS)
    assert collected.errors == []
    assert collected.session_ids == SESSION_IDS
