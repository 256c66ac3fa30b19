"""The transport against hostile or broken responses: bodies that Python's JSON decoder
cannot load, malformed headers, and what a delivered error keeps of the request."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from nexmo_client._http import HttpSettings, Transport
from nexmo_client.errors import (
    ERROR_BAD_RESPONSE,
    ERROR_HTTP,
    NexmoBadResponseError,
    NexmoConnectionError,
    NexmoRateLimitError,
    NexmoValidationError,
)
from nexmo_client.testing import Fault, StandInServer
from tests.raw_server import RawServer

SETTINGS = HttpSettings(
    connect_timeout=1.0,
    read_timeout=2.0,
    request_deadline=3.0,
    total_deadline=6.0,
    max_retries=2,
    backoff_initial=0.01,
    backoff_max=0.05,
    trust_env=False,
)
PATH = "/v1/users"


@pytest.fixture
def transport(stand_in: StandInServer) -> Iterator[Transport]:
    """A transport aimed at the stand-in, closed after the test."""
    transport = Transport(stand_in.url, SETTINGS, pool_size=2)
    yield transport
    transport.close()


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000,
        b'{"page_size": ' + b"7" * 5000 + b"}",
    ],
    ids=["nested-past-recursion-limit", "int-past-conversion-limit"],
)
def test_undecodable_json_bad_response(
    stand_in: StandInServer, transport: Transport, body: bytes
) -> None:
    """JSON that Python cannot load is a bad-response error, not an internal error."""
    stand_in.inject(Fault.status(200, body, {"Content-Type": "application/json"}), path=PATH)

    with pytest.raises(NexmoBadResponseError) as caught:
        transport.get_json(PATH, [], stand_in.mint_token("alice"))

    assert caught.value.type == ERROR_BAD_RESPONSE
    assert caught.value.status == 200


def test_nested_error_body_keeps_status_and_retries(
    stand_in: StandInServer, transport: Transport
) -> None:
    """A 429 whose body nests too deep keeps its status and is still retried."""
    stand_in.inject(Fault.status(429, b"[" * 200_000), path=PATH, times=1)
    stand_in.inject(Fault.status(429, b"[" * 200_000, {"Retry-After": "\xb2"}), path=PATH)

    with pytest.raises(NexmoRateLimitError) as caught:
        transport.get_json(PATH, [], stand_in.mint_token("alice"))

    assert caught.value.status == 429
    assert caught.value.type == ERROR_HTTP
    assert caught.value.retry_after is None
    assert len(stand_in.requests) == 3


def test_conflicting_content_length_bad_response() -> None:
    """Two different Content-Length headers are a bad response, not a validation error."""
    server = RawServer(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    )
    transport = Transport(server.url, SETTINGS, pool_size=1)
    try:
        with pytest.raises(NexmoBadResponseError) as caught:
            transport.get_json(PATH, [], "opaque-token")
    finally:
        transport.close()
        server.close()

    assert not isinstance(caught.value, NexmoValidationError)
    assert "header" in caught.value.message
    assert server.connections == 1


def test_error_cause_drops_request(stand_in: StandInServer, transport: Transport) -> None:
    """The requests exception chained to an error no longer carries the prepared request."""
    stand_in.inject(Fault.drop(), path=PATH)

    with pytest.raises(NexmoConnectionError) as caught:
        transport.get_json(PATH, [], "secret-token-value")

    cause = caught.value.__cause__
    assert cause is not None
    assert getattr(cause, "request", None) is None
    assert "secret-token-value" not in repr(vars(cause))


def test_explicit_proxy_named_in_error(stand_in: StandInServer) -> None:
    """A connection error through an explicit proxy names the proxy, without credentials."""
    closed = socket.create_server(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    settings = HttpSettings(
        connect_timeout=1.0,
        read_timeout=1.0,
        request_deadline=2.0,
        total_deadline=2.0,
        max_retries=0,
        proxies={"http": f"http://user:password@127.0.0.1:{dead_port}"},
        trust_env=False,
    )
    transport = Transport(stand_in.url, settings, pool_size=1)
    try:
        with pytest.raises(NexmoConnectionError) as caught:
            transport.get_json(PATH, [], stand_in.mint_token("alice"))
    finally:
        transport.close()

    assert f"through proxy http://127.0.0.1:{dead_port}" in caught.value.message
    assert "password" not in caught.value.message
