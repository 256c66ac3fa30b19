"""Tests of building, finding and closing a NexmoClient."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from client_support import FAST_SETTINGS, WAIT_SECONDS, Recorder, logged_in_client

from nexmo_client import NexmoCancelledError, NexmoClient
from nexmo_client.testing import StandInServer


@pytest.fixture(autouse=True)
def _close_leftover_clients() -> Iterator[None]:
    """Close every client a test left open, so NexmoClient.get() starts clean."""
    yield
    while True:
        try:
            NexmoClient.get().close()
        except RuntimeError:
            break


def test_client_defaults() -> None:
    """A client built without arguments targets the public host and v1."""
    with NexmoClient() as client:
        assert client.rest_environment_host == "https://api.nexmo.com"
        assert client.api_version == "v1"
        assert client.user is None


def test_client_host_trailing_slash() -> None:
    """A trailing slash on the host is dropped."""
    with NexmoClient("https://api-eu-1.nexmo.com/") as client:
        assert client.rest_environment_host == "https://api-eu-1.nexmo.com"


@pytest.mark.parametrize(
    ("keywords", "error", "words"),
    [
        ({"rest_environment_host": 5}, TypeError, "rest_environment_host"),
        ({"rest_environment_host": "api.nexmo.com"}, ValueError, "rest_environment_host"),
        ({"rest_environment_host": "ftp://api.nexmo.com"}, ValueError, "http or https"),
        ({"rest_environment_host": "https://api.nexmo.com?x=1"}, ValueError, "query"),
        ({"api_version": "v2"}, ValueError, "'v1', 'v0.3'"),
        ({"api_version": 1}, TypeError, "api_version"),
        ({"token_provider": "token"}, TypeError, "token_provider"),
        ({"callback_executor": 3}, TypeError, "callback_executor"),
        ({"max_workers": 0}, ValueError, "max_workers 0"),
        ({"max_workers": True}, TypeError, "max_workers"),
        ({"max_pending_calls": 0}, ValueError, "max_pending_calls"),
        ({"connect_timeout": 0}, ValueError, "connect_timeout 0"),
        ({"read_timeout": float("inf")}, ValueError, "read_timeout"),
        ({"request_deadline": "30"}, TypeError, "request_deadline"),
        ({"total_deadline": -1}, ValueError, "total_deadline"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"max_retries": 1.5}, TypeError, "max_retries"),
        ({"max_response_bytes": 0}, ValueError, "max_response_bytes"),
        ({"verify": None}, TypeError, "verify"),
        ({"proxies": ["http://proxy"]}, TypeError, "proxies"),
        ({"proxies": {"https": 3128}}, TypeError, "proxies"),
        ({"trust_env": "yes"}, TypeError, "trust_env"),
    ],
)
def test_client_invalid_setting(
    keywords: dict[str, Any], error: type[Exception], words: str
) -> None:
    """A bad setting raises at construction, with a message that names it."""
    with pytest.raises(error) as caught:
        NexmoClient(**keywords)

    assert words in str(caught.value)


def test_client_invalid_setting_not_registered() -> None:
    """A client whose construction failed is not what NexmoClient.get() returns."""
    with pytest.raises(ValueError, match="max_workers"):
        NexmoClient(max_workers=0)

    with pytest.raises(RuntimeError, match="No NexmoClient is open"):
        NexmoClient.get()


def test_builder_sets_every_setting(stand_in: StandInServer) -> None:
    """Each builder method returns the builder, and build() applies the settings."""
    builder = NexmoClient.Builder()
    chained = (
        builder.rest_environment_host(stand_in.url)
        .api_version("v0.3")
        .token_provider(lambda: "token")
        .callback_executor(None)
        .max_workers(2)
        .max_pending_calls(5)
        .connect_timeout(1.0)
        .read_timeout(1.0)
        .request_deadline(2.0)
        .total_deadline(3.0)
        .max_retries(0)
        .max_response_bytes(1024)
        .verify(True)
        .proxies(None)
        .trust_env(False)
    )

    with chained.build() as client:
        assert chained is builder
        assert client.rest_environment_host == stand_in.url
        assert client.api_version == "v0.3"


def test_builder_invalid_setting() -> None:
    """build() raises for a bad setting, naming it."""
    with pytest.raises(ValueError, match="api_version"):
        NexmoClient.Builder().api_version("v9").build()


def test_client_get_most_recent() -> None:
    """NexmoClient.get() returns the most recent open client, then the previous one."""
    first = NexmoClient()
    second = NexmoClient.Builder().build()

    assert NexmoClient.get() is second
    second.close()
    assert NexmoClient.get() is first
    first.close()
    with pytest.raises(RuntimeError, match="No NexmoClient is open"):
        NexmoClient.get()


def test_client_unique_names() -> None:
    """Every client has its own nexmo-client-<n> name."""
    with NexmoClient() as first, NexmoClient() as second:
        assert first.name.startswith("nexmo-client-")
        assert second.name.startswith("nexmo-client-")
        assert first.name != second.name


def test_client_thread_names(stand_in: StandInServer) -> None:
    """Requests run on threads named after the client, and listeners on its callback thread."""
    client = logged_in_client(stand_in)
    worker_names: list[str] = []
    recorder = Recorder()
    user_id = stand_in.store.user_by_name("alice").id  # type: ignore[union-attr]
    with client:
        recorder.watch(client.get_user_sessions(user_id, listener=recorder))
        recorder.result()
        worker_names = [thread.name for thread in threading.enumerate()]

    assert recorder.threads[0].startswith(client.name)
    assert any(name.startswith(f"{client.name}-worker") for name in worker_names)


def test_client_close_idempotent() -> None:
    """close() twice is fine, and closed reports it."""
    client = NexmoClient()
    client.close()
    client.close()

    assert client.closed


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.login("token"),
        lambda client: client.logout(),
        lambda client: client.update_token("token"),
        lambda client: client.get_user("USR-1"),
        lambda client: client.get_user_sessions("USR-1"),
        lambda client: client.get_user_sessions("", 0, "sideways", None),
        lambda client: client.set_connection_listener(None),
    ],
)
def test_client_closed_calls_raise(call: Any) -> None:
    """After close(), every call raises RuntimeError at once, even with bad arguments."""
    client = NexmoClient()
    client.close()

    with pytest.raises(RuntimeError, match="closed"):
        call(client)


def test_client_closed_page_and_user_raise(stand_in: StandInServer) -> None:
    """Pages and users of a closed client raise RuntimeError too."""
    client = logged_in_client(stand_in)
    user = client.user
    page = client.get_user_sessions(user.id).result(WAIT_SECONDS)  # type: ignore[union-attr]
    client.close()

    with pytest.raises(RuntimeError, match="closed"):
        user.get_sessions()  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="closed"):
        page.get_next()


def test_close_from_listener(stand_in: StandInServer) -> None:
    """close() called inside a listener returns, and later calls raise."""
    client = logged_in_client(stand_in)
    closed = threading.Event()
    user_id = client.user.id  # type: ignore[union-attr]

    class Closing:
        def on_success(self, page: Any) -> None:
            client.close()
            closed.set()

        def on_error(self, error: Any) -> None:
            client.close()
            closed.set()

    client.get_user_sessions(user_id, listener=Closing())

    assert closed.wait(WAIT_SECONDS)
    assert client.closed
    with pytest.raises(RuntimeError):
        client.get_user_sessions(user_id)


def test_close_running_and_queued(stand_in: StandInServer) -> None:
    """close() cancels a queued call, and a running call before its next request, with one
    callback each."""
    stand_in.store.add_user("alice")
    provider_entered = threading.Event()
    provider_release = threading.Event()

    def provider() -> str:
        # Holds the only worker inside the first call until the test releases it.
        provider_entered.set()
        provider_release.wait(WAIT_SECONDS)
        return stand_in.mint_token("alice")

    client = NexmoClient(stand_in.url, max_workers=1, token_provider=provider, **FAST_SETTINGS)
    client.login(stand_in.mint_token("alice")).result(WAIT_SECONDS)
    client.update_token(stand_in.mint_token("alice", lifetime=-60))
    user_id = client.user.id  # type: ignore[union-attr]
    running, queued = Recorder(), Recorder()

    running.watch(client.get_user_sessions(user_id, listener=running))
    assert provider_entered.wait(WAIT_SECONDS)
    queued.watch(client.get_user_sessions(user_id, listener=queued))
    closer = threading.Thread(target=client.close)
    closer.start()
    cancelled = queued.error()
    provider_release.set()
    closer.join(WAIT_SECONDS)

    assert isinstance(cancelled, NexmoCancelledError)
    # The running call was renewing its token when the client closed, so the request with
    # the new token is never sent.
    assert isinstance(running.error(), NexmoCancelledError)
    assert not closer.is_alive()
    assert len(running.calls) == 1
    assert len(queued.calls) == 1


def test_client_repr_no_token(stand_in: StandInServer) -> None:
    """repr(client) names the client and host but not the token."""
    stand_in.store.add_user("alice")
    token = stand_in.mint_token("alice")
    with NexmoClient(stand_in.url, **FAST_SETTINGS) as client:
        client.login(token).result(WAIT_SECONDS)
        text = repr(client)

    assert client.name in text
    assert stand_in.url in text
    assert token not in text
