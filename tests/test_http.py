"""The HTTP transport against the stand-in server on 127.0.0.1: auth, redirects, deadlines,
size limits, body decoding, error mapping, retries, close() and concurrency."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from nexmo_client._http import USER_AGENT, HttpSettings, Transport
from nexmo_client.errors import (
    ERROR_BAD_RESPONSE,
    ERROR_CANCELLED,
    ERROR_CONNECTION,
    ERROR_HTTP,
    ERROR_REDIRECT,
    ERROR_TIMEOUT,
    ERROR_TLS,
    ERROR_VALIDATION,
    NexmoApiError,
    NexmoAuthenticationError,
    NexmoBadResponseError,
    NexmoCancelledError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoNotFoundError,
    NexmoRateLimitError,
    NexmoServerError,
    NexmoTimeoutError,
    NexmoValidationError,
)
from nexmo_client.testing import Fault, StandInServer
from tests.raw_server import unused_port

# Small timeouts and backoff keep the file fast. Each test that needs other limits builds its
# own HttpSettings.
FAST = HttpSettings(
    connect_timeout=1.0,
    read_timeout=2.0,
    request_deadline=3.0,
    total_deadline=8.0,
    max_retries=3,
    backoff_initial=0.01,
    backoff_max=0.05,
    retry_after_max=3.0,
    trust_env=False,
)

NO_RETRIES = HttpSettings(
    connect_timeout=1.0,
    read_timeout=2.0,
    request_deadline=3.0,
    total_deadline=3.0,
    max_retries=0,
    trust_env=False,
)

# Short enough that a test cut by the deadline ends in about a second.
SHORT_DEADLINE = HttpSettings(
    connect_timeout=0.5,
    read_timeout=1.0,
    request_deadline=1.0,
    total_deadline=1.0,
    max_retries=0,
    trust_env=False,
)


class Account:
    """A user with one open session, and a token that the stand-in server accepts."""

    def __init__(self, server: StandInServer, name: str = "alice") -> None:
        user = server.store.add_user(name)
        self.user_id = user.id
        self.session_id = server.store.open_session(user.id)
        self.token = server.mint_token(name)
        self.path = f"/v1/users/{user.id}/sessions"


@pytest.fixture
def account(stand_in: StandInServer) -> Account:
    """Alice, with one session, on the stand-in server."""
    return Account(stand_in)


def open_transport(
    server: StandInServer, settings: HttpSettings = FAST, **kwargs: int
) -> Transport:
    return Transport(server.url, settings, pool_size=kwargs.get("pool_size", 4))


@pytest.fixture
def transport(stand_in: StandInServer) -> Iterator[Transport]:
    """A transport with FAST settings to the stand-in server, closed after the test."""
    with_transport = open_transport(stand_in)
    yield with_transport
    with_transport.close()


def retry_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "nexmo_client.http" and record.levelno == logging.WARNING
    ]


def forge(token: str) -> str:
    """Return the token with the end of its signature changed, so the server rejects it."""
    ending = "BBBB" if token.endswith("AAAA") else "AAAA"
    return token[:-4] + ending


# The happy path, query encoding and headers


def test_get_json_returns_sessions(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A GET with a valid token returns the decoded sessions page."""
    body = transport.get_json(account.path, [("page_size", "10"), ("order", "asc")], account.token)

    sessions = body["_embedded"]["sessions"]
    assert [session["id"] for session in sessions] == [account.session_id]
    assert stand_in.requests[-1].method == "GET"
    assert stand_in.requests[-1].path == account.path


def test_get_json_sends_fixed_headers(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """Each request carries the library's User-Agent and Accept: application/json."""
    transport.get_json(account.path, [], account.token)

    headers = stand_in.requests[-1].headers
    assert headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("nexmo-client-python/")
    assert " python-requests/" in USER_AGENT
    assert headers["accept"] == "application/json"
    assert "cookie" not in headers


def test_query_encoding_keeps_reserved_characters(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A cursor with +, / and = reaches the server unchanged, as do a space and non-ASCII."""
    cursor = "ab+c/d==e f\u00e9"
    with pytest.raises(NexmoValidationError):  # The server rejects a cursor it did not issue.
        transport.get_json(account.path, [("page_size", "1"), ("cursor", cursor)], account.token)

    assert stand_in.requests[-1].query == (("page_size", "1"), ("cursor", cursor))


def test_query_encoding_round_trips_server_cursor(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """The cursor from a next link, sent back as a query value, fetches the next page."""
    second = stand_in.store.open_session(account.user_id)
    first_page = transport.get_json(account.path, [("page_size", "1")], account.token)
    next_href = first_page["_links"]["next"]["href"]
    cursor = dict(pair.split("=", 1) for pair in next_href.split("?", 1)[1].split("&"))["cursor"]
    from urllib.parse import unquote

    second_page = transport.get_json(
        account.path, [("page_size", "1"), ("cursor", unquote(cursor))], account.token
    )

    assert [session["id"] for session in second_page["_embedded"]["sessions"]] == [second]


def test_get_json_accepts_empty_object(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A 200 with the body {} is returned as an empty dict, not an error."""
    stand_in.inject(Fault.status(200, {}), times=1)

    assert transport.get_json(account.path, [], account.token) == {}


def test_get_json_accepts_utf8_bom(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A UTF-8 byte order mark before the JSON is skipped."""
    stand_in.inject(Fault.status(200, b'\xef\xbb\xbf{"page_size": 10}'), times=1)

    assert transport.get_json(account.path, [], account.token) == {"page_size": 10}


def test_get_json_ignores_content_type(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """JSON labelled text/html by a gateway is still decoded as UTF-8 JSON."""
    body = '{"name": "Zo\u00eb"}'.encode()
    stand_in.inject(
        Fault.status(200, body, {"Content-Type": "text/html; charset=latin-1"}), times=1
    )

    assert transport.get_json(account.path, [], account.token) == {"name": "Zo\u00eb"}


# Authentication


def test_auth_token_chosen_per_request(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """Calls with different tokens on one transport each send their own token."""
    forged = forge(account.token)

    first = transport.get_json(account.path, [], account.token)
    with pytest.raises(NexmoAuthenticationError) as rejected:
        transport.get_json(account.path, [], forged)
    third = transport.get_json(account.path, [], account.token)

    assert first == third
    assert rejected.value.status == 401
    assert rejected.value.type.startswith("system:error:")


def test_auth_repr_hides_token() -> None:
    """The auth object's repr never shows the token."""
    from nexmo_client._http import _BearerAuth

    auth = _BearerAuth("secret-token-value")

    assert "secret-token-value" not in repr(auth)
    assert "secret-token-value" not in str(auth)


@pytest.mark.parametrize(
    "token",
    ["good\r\nX-Injected: 1", "good\nmore", "with space", "nul\x00", "t\u00f6ken", "tab\there", ""],
)
def test_auth_invalid_token_rejected_before_sending(
    stand_in: StandInServer, account: Account, transport: Transport, token: str
) -> None:
    """A token that cannot be a header value raises a validation error and sends nothing."""
    with pytest.raises(NexmoValidationError) as caught:
        transport.get_json(account.path, [], token)

    assert caught.value.type == ERROR_VALIDATION
    assert stand_in.requests == []
    if token:
        assert token not in str(caught.value)
        assert token not in repr(caught.value)


# Paths


@pytest.mark.parametrize(
    "path",
    [
        "v1/users",
        "/v1/users?x=1",
        "/v1/users#frag",
        "/v1/us ers",
        "/v1/users/../x",
        "/v1/./users",
        "",
    ],
)
def test_path_invalid_rejected_before_sending(
    stand_in: StandInServer, account: Account, transport: Transport, path: str
) -> None:
    """A path that is not absolute and percent-encoded, or has dot segments, sends nothing."""
    with pytest.raises(NexmoValidationError) as caught:
        transport.get_json(path, [], account.token)

    assert caught.value.type == ERROR_VALIDATION
    assert stand_in.requests == []


# Redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_not_followed(
    stand_in: StandInServer, account: Account, transport: Transport, status: int
) -> None:
    """A 3xx is an error that names the status and the target host, and is not followed."""
    # A loopback address that nothing serves, so a bug that follows it sends nothing away.
    location = "http://127.0.0.2:9/steal/path?token=leaked-query"
    stand_in.inject(Fault.status(status, b"", {"Location": location}), times=1)

    with pytest.raises(NexmoHttpError) as caught:
        transport.get_json(account.path, [], account.token)

    message = str(caught.value)
    assert caught.value.type == ERROR_REDIRECT
    assert caught.value.status == status
    assert str(status) in message
    assert "127.0.0.2" in message
    assert "/steal" not in message
    assert "leaked-query" not in message
    assert len(stand_in.requests) == 1


def test_redirect_relative_names_same_host(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A relative Location is reported as the same host, and nothing else is requested."""
    stand_in.inject(Fault.status(302, b"moved", {"Location": "/v1/elsewhere"}), times=1)

    with pytest.raises(NexmoHttpError) as caught:
        transport.get_json(account.path, [], account.token)

    assert caught.value.type == ERROR_REDIRECT
    assert "same host" in caught.value.message
    assert len(stand_in.requests) == 1


# The deadline and timeouts


def test_deadline_cuts_drip(stand_in: StandInServer, account: Account) -> None:
    """A server that drips one byte every 50 ms is cut at the 1 s request deadline."""
    stand_in.inject(Fault.drip(0.05))
    transport = open_transport(stand_in, SHORT_DEADLINE)
    try:
        started = time.monotonic()
        with pytest.raises(NexmoTimeoutError) as caught:
            transport.get_json(account.path, [], account.token)
        elapsed = time.monotonic() - started
    finally:
        transport.close()

    assert caught.value.type == ERROR_TIMEOUT
    assert "deadline" in caught.value.message
    assert elapsed >= 0.9
    assert elapsed < 3.0


def test_deadline_cuts_drip_in_body(stand_in: StandInServer, account: Account) -> None:
    """A drip of 40-byte pieces, headers quickly done, is cut in the body at the deadline."""
    for index in range(30):
        stand_in.store.open_session(account.user_id, session_id=f"SES-{index:036d}")
    stand_in.inject(Fault.drip(0.05, chunk_size=40))
    transport = open_transport(stand_in, SHORT_DEADLINE)
    try:
        started = time.monotonic()
        with pytest.raises(NexmoTimeoutError):
            transport.get_json(account.path, [("page_size", "31")], account.token)
        elapsed = time.monotonic() - started
    finally:
        transport.close()

    assert elapsed >= 0.9
    assert elapsed < 3.0


def test_deadline_cuts_hang(stand_in: StandInServer, account: Account) -> None:
    """A server that never responds is cut after about one second."""
    stand_in.inject(Fault.hang())
    transport = open_transport(stand_in, SHORT_DEADLINE)
    try:
        started = time.monotonic()
        with pytest.raises(NexmoTimeoutError) as caught:
            transport.get_json(account.path, [], account.token)
        elapsed = time.monotonic() - started
    finally:
        transport.close()

    assert caught.value.type == ERROR_TIMEOUT
    assert elapsed >= 0.9
    assert elapsed < 3.0


def test_deadline_leaves_connection_usable(stand_in: StandInServer, account: Account) -> None:
    """After a cut attempt, the next call on the same transport succeeds."""
    stand_in.inject(Fault.drip(0.05), times=1)
    transport = open_transport(stand_in, SHORT_DEADLINE, pool_size=1)
    try:
        with pytest.raises(NexmoTimeoutError):
            transport.get_json(account.path, [], account.token)
        body = transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert body["_embedded"]["sessions"][0]["id"] == account.session_id


def test_total_deadline_stops_retries(stand_in: StandInServer, account: Account) -> None:
    """Retries stop when the next wait would pass the total deadline, and the last error is raised."""
    stand_in.inject(Fault.status(503, b"", {"Retry-After": "1"}))
    settings = HttpSettings(
        connect_timeout=0.5,
        read_timeout=1.0,
        request_deadline=1.0,
        total_deadline=1.5,
        max_retries=10,
        trust_env=False,
    )
    transport = open_transport(stand_in, settings)
    try:
        started = time.monotonic()
        with pytest.raises(NexmoServerError) as caught:
            transport.get_json(account.path, [], account.token)
        elapsed = time.monotonic() - started
    finally:
        transport.close()

    assert caught.value.status == 503
    assert len(stand_in.requests) == 2
    assert elapsed >= 0.9
    assert elapsed < 2.5


def test_total_deadline_bounds_retried_drip(stand_in: StandInServer, account: Account) -> None:
    """Attempts cut by the deadline are retried only until the total deadline."""
    stand_in.inject(Fault.drip(0.05))
    settings = HttpSettings(
        connect_timeout=0.5,
        read_timeout=0.5,
        request_deadline=0.5,
        total_deadline=1.2,
        max_retries=10,
        backoff_initial=0.01,
        backoff_max=0.01,
        trust_env=False,
    )
    transport = open_transport(stand_in, settings)
    try:
        started = time.monotonic()
        with pytest.raises(NexmoTimeoutError):
            transport.get_json(account.path, [], account.token)
        elapsed = time.monotonic() - started
    finally:
        transport.close()

    assert elapsed >= 1.0
    assert elapsed < 2.5
    assert 2 <= len(stand_in.requests) <= 3


# The size limit


def test_size_limit_by_content_length(stand_in: StandInServer, account: Account) -> None:
    """A Content-Length over max_response_bytes is a bad response naming the limit."""
    stand_in.inject(Fault.status(200, {"padding": "x" * 5000}), times=1)
    settings = HttpSettings(max_response_bytes=1000, max_retries=0, trust_env=False)
    transport = open_transport(stand_in, settings, pool_size=1)
    try:
        with pytest.raises(NexmoBadResponseError) as caught:
            transport.get_json(account.path, [], account.token)
        after = transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert caught.value.type == ERROR_BAD_RESPONSE
    assert "declared a body of" in caught.value.message
    assert "limit of 1000 bytes" in caught.value.message
    assert after["_embedded"]["sessions"][0]["id"] == account.session_id


def test_size_limit_by_decoded_body(stand_in: StandInServer, account: Account) -> None:
    """A small gzip body that decodes past max_response_bytes is stopped while reading."""
    document = json.dumps({"padding": "0" * 200_000}).encode()
    compressed = gzip.compress(document)
    assert len(compressed) < 10_000
    stand_in.inject(
        Fault.status(
            200, compressed, {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        ),
        times=1,
    )
    settings = HttpSettings(max_response_bytes=10_000, max_retries=0, trust_env=False)
    transport = open_transport(stand_in, settings)
    try:
        with pytest.raises(NexmoBadResponseError) as caught:
            transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert "grew past the limit of 10000 bytes" in caught.value.message


def test_size_limit_by_chunked_body(stand_in: StandInServer, account: Account) -> None:
    """A chunked body without a usable length is stopped once it grows past the limit."""
    piece = b"0" * 1000
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(20)) + b"0\r\n\r\n"
    stand_in.inject(
        Fault.status(
            200, chunked, {"Transfer-Encoding": "chunked", "Content-Type": "application/json"}
        ),
        times=1,
    )
    settings = HttpSettings(max_response_bytes=5_000, max_retries=0, trust_env=False)
    transport = open_transport(stand_in, settings)
    try:
        with pytest.raises(NexmoBadResponseError) as caught:
            transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert "grew past the limit of 5000 bytes" in caught.value.message


def test_size_limit_allows_body_at_limit(stand_in: StandInServer, account: Account) -> None:
    """A body of exactly max_response_bytes is accepted."""
    body = b'{"padding": "' + b"x" * 85 + b'"}'
    assert len(body) == 100
    stand_in.inject(Fault.status(200, body), times=1)
    settings = HttpSettings(max_response_bytes=100, max_retries=0, trust_env=False)
    transport = open_transport(stand_in, settings)
    try:
        result = transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert result == {"padding": "x" * 85}


# Bad bodies and error statuses


@pytest.mark.parametrize("status", [200, 201, 204])
def test_empty_2xx_is_bad_response(
    stand_in: StandInServer, account: Account, transport: Transport, status: int
) -> None:
    """A 2xx with an empty body is a bad response, never an empty page."""
    stand_in.inject(Fault.status(status, b""), times=1)

    with pytest.raises(NexmoBadResponseError) as caught:
        transport.get_json(account.path, [], account.token)

    assert caught.value.type == ERROR_BAD_RESPONSE
    assert caught.value.status == status
    assert "empty body" in caught.value.message
    assert len(stand_in.requests) == 1


@pytest.mark.parametrize(
    "body", [b"<html>ok</html>", b'{"a": 1', b"\xff\xfe{}", b"\n", b'{"a": 1} trailing']
)
def test_invalid_json_is_bad_response(
    stand_in: StandInServer, account: Account, transport: Transport, body: bytes
) -> None:
    """A 2xx whose body is not UTF-8 JSON is a bad response, sent once."""
    stand_in.inject(Fault.status(200, body, {"Content-Type": "application/json"}), times=1)

    with pytest.raises(NexmoBadResponseError) as caught:
        transport.get_json(account.path, [], account.token)

    assert caught.value.type == ERROR_BAD_RESPONSE
    assert caught.value.status == 200
    assert len(stand_in.requests) == 1


def test_error_json_body_sets_type(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A 404 from the server keeps its code as the type and its detail as the message."""
    missing = "/v1/users/USR-00000000-0000-0000-0000-000000000000/sessions"

    with pytest.raises(NexmoNotFoundError) as caught:
        transport.get_json(missing, [], account.token)

    assert caught.value.status == 404
    assert caught.value.type == "user:error:not-found"
    assert caught.value.instance
    assert len(stand_in.requests) == 1


def test_error_html_body_keeps_status(stand_in: StandInServer, account: Account) -> None:
    """An HTML 502 from a gateway keeps its status, with type error:http."""
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    stand_in.inject(Fault.status(502, page, {"Content-Type": "text/html"}))
    transport = open_transport(stand_in, NO_RETRIES)
    try:
        with pytest.raises(NexmoServerError) as caught:
            transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert caught.value.status == 502
    assert caught.value.type == ERROR_HTTP
    assert "502" in caught.value.message


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, NexmoValidationError),
        (401, NexmoAuthenticationError),
        (403, NexmoHttpError),
        (404, NexmoNotFoundError),
        (409, NexmoHttpError),
        (500, NexmoServerError),
        (501, NexmoServerError),
    ],
)
def test_status_not_retried_sent_once(
    stand_in: StandInServer,
    account: Account,
    transport: Transport,
    caplog: pytest.LogCaptureFixture,
    status: int,
    expected: type[NexmoApiError],
) -> None:
    """Statuses outside 429, 502, 503 and 504 are raised after exactly one request."""
    stand_in.inject(Fault.status(status, {"code": "test:error", "detail": "injected"}))

    with pytest.raises(expected) as caught:
        transport.get_json(account.path, [], account.token)

    assert caught.value.status == status
    assert caught.value.type == "test:error"
    assert len(stand_in.requests) == 1
    assert retry_warnings(caplog) == []


# Retries


RETRYABLE_FAULTS = {
    "429": Fault.status(429, b"", {"Content-Type": "text/plain"}),
    "502": Fault.status(502, "<html>bad gateway</html>", {"Content-Type": "text/html"}),
    "503": Fault.status(503, {"code": "system:error:unavailable"}),
    "504": Fault.status(504, b""),
    "drop": Fault.drop(),
    "reset_mid_body": Fault.reset_mid_body(),
    "hang": Fault.hang(),
}


@pytest.mark.parametrize("times", [1, 2])
@pytest.mark.parametrize("fault_name", list(RETRYABLE_FAULTS))
def test_retry_recovers(
    stand_in: StandInServer,
    account: Account,
    caplog: pytest.LogCaptureFixture,
    fault_name: str,
    times: int,
) -> None:
    """A retryable failure on the first one or two attempts ends in success."""
    stand_in.inject(RETRYABLE_FAULTS[fault_name], times=times)
    settings = HttpSettings(
        connect_timeout=0.5,
        read_timeout=0.5,
        request_deadline=0.5,
        total_deadline=5.0,
        max_retries=3,
        backoff_initial=0.01,
        backoff_max=0.05,
        trust_env=False,
    )
    transport = open_transport(stand_in, settings)
    try:
        with caplog.at_level(logging.WARNING, logger="nexmo_client.http"):
            body = transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert body["_embedded"]["sessions"][0]["id"] == account.session_id
    assert len(stand_in.requests) == times + 1
    assert len(retry_warnings(caplog)) == times


def test_retry_gives_up_after_max_retries(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A persistent 503 is sent 1 + max_retries times, then raised with its status."""
    stand_in.inject(Fault.status(503, b""))

    with pytest.raises(NexmoServerError) as caught:
        transport.get_json(account.path, [], account.token)

    assert caught.value.status == 503
    assert len(stand_in.requests) == FAST.max_retries + 1


def test_retry_after_seconds_honoured(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """Retry-After: 1 makes the retry wait about a second instead of the short backoff."""
    stand_in.inject(Fault.status(429, b"", {"Retry-After": "1"}), times=1)

    started = time.monotonic()
    transport.get_json(account.path, [], account.token)
    elapsed = time.monotonic() - started

    assert elapsed >= 0.9
    assert elapsed < 2.5
    assert len(stand_in.requests) == 2


def test_retry_after_http_date_honoured(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A Retry-After HTTP date two seconds ahead makes the retry wait at least a second."""
    # HTTP dates have a resolution of one second, so the wait is between one and two seconds.
    when = datetime.now(UTC) + timedelta(seconds=2)
    stand_in.inject(
        Fault.status(503, b"", {"Retry-After": format_datetime(when, usegmt=True)}), times=1
    )

    started = time.monotonic()
    transport.get_json(account.path, [], account.token)
    elapsed = time.monotonic() - started

    assert elapsed >= 0.9
    assert elapsed < 3.0
    assert len(stand_in.requests) == 2


def test_retry_after_unparseable_ignored(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """An unparseable Retry-After falls back to the short backoff."""
    stand_in.inject(Fault.status(503, b"", {"Retry-After": "soon, maybe"}), times=1)

    started = time.monotonic()
    transport.get_json(account.path, [], account.token)
    elapsed = time.monotonic() - started

    assert elapsed < 0.8
    assert len(stand_in.requests) == 2


def test_retry_after_over_cap_stops(
    stand_in: StandInServer, account: Account, transport: Transport
) -> None:
    """A Retry-After over retry_after_max is not waited for: the error is raised at once."""
    stand_in.inject(Fault.status(429, b"", {"Retry-After": "60"}))

    started = time.monotonic()
    with pytest.raises(NexmoRateLimitError) as caught:
        transport.get_json(account.path, [], account.token)
    elapsed = time.monotonic() - started

    assert caught.value.status == 429
    assert caught.value.retry_after == 60.0
    assert elapsed < 1.0
    assert len(stand_in.requests) == 1


def test_retry_keep_alive_closed_on_reuse(
    stand_in: StandInServer, account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    """A pooled connection that the server closes without responding is retried transparently."""
    transport = open_transport(stand_in, FAST, pool_size=1)
    try:
        transport.get_json(account.path, [], account.token)
        stand_in.inject(Fault.drop(), times=1)
        with caplog.at_level(logging.WARNING, logger="nexmo_client.http"):
            body = transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert body["_embedded"]["sessions"][0]["id"] == account.session_id
    assert len(stand_in.requests) == 3
    assert len(retry_warnings(caplog)) == 1


def test_connection_refused_retried_then_raised(caplog: pytest.LogCaptureFixture) -> None:
    """A refused connection is retried max_retries times, then raised as a connection error."""
    transport = Transport(f"http://127.0.0.1:{unused_port()}", FAST, pool_size=1)
    try:
        with (
            caplog.at_level(logging.WARNING, logger="nexmo_client.http"),
            pytest.raises(NexmoConnectionError) as caught,
        ):
            transport.get_json("/v1/users/USR-1/sessions", [], "opaque-token")
    finally:
        transport.close()

    assert caught.value.type == ERROR_CONNECTION
    assert "/v1/users/USR-1/sessions" in caught.value.message
    assert "127.0.0.1" in caught.value.message
    assert len(retry_warnings(caplog)) == FAST.max_retries


def test_tls_failure_not_retried(stand_in: StandInServer, caplog: pytest.LogCaptureFixture) -> None:
    """https:// to a plain-HTTP port is a TLS error after one attempt, with no retry."""
    port = stand_in.url.rsplit(":", 1)[1]
    transport = Transport(f"https://127.0.0.1:{port}", FAST, pool_size=1)
    try:
        with (
            caplog.at_level(logging.WARNING, logger="nexmo_client.http"),
            pytest.raises(NexmoConnectionError) as caught,
        ):
            transport.get_json("/v1/users/USR-1/sessions", [], "opaque-token")
    finally:
        transport.close()

    assert caught.value.type == ERROR_TLS
    assert "TLS" in caught.value.message
    assert retry_warnings(caplog) == []


def test_explicit_proxy_used_for_loopback(stand_in: StandInServer, account: Account) -> None:
    """An explicit proxy applies even to a loopback host: a dead proxy fails the call."""
    dead_proxy = f"http://127.0.0.1:{unused_port()}"
    settings = HttpSettings(proxies={"http": dead_proxy}, max_retries=0, trust_env=False)
    transport = open_transport(stand_in, settings)
    try:
        with pytest.raises(NexmoConnectionError) as caught:
            transport.get_json(account.path, [], account.token)
    finally:
        transport.close()

    assert caught.value.type == ERROR_CONNECTION
    assert stand_in.requests == []


# Logging


def test_retry_warning_omits_token(
    stand_in: StandInServer,
    account: Account,
    transport: Transport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The retry WARNING names method, path, cause, attempt and wait, never token or query."""
    stand_in.inject(Fault.status(503, b""), times=1)

    with caplog.at_level(logging.DEBUG, logger="nexmo_client.http"):
        transport.get_json(account.path, [("page_size", "7")], account.token)

    warnings = retry_warnings(caplog)
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message.startswith(f"GET {account.path} attempt 1 failed")
    assert "503" in message
    assert "retrying in" in message
    for record in caplog.records:
        text = record.getMessage()
        assert account.token not in text
        assert "Bearer" not in text
        assert "page_size" not in text


def test_debug_line_per_attempt(
    stand_in: StandInServer,
    account: Account,
    transport: Transport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each attempt logs one DEBUG line with method, path, status and elapsed time."""
    stand_in.inject(Fault.status(503, b""), times=1)

    with caplog.at_level(logging.DEBUG, logger="nexmo_client.http"):
        transport.get_json(account.path, [], account.token)

    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "nexmo_client.http" and record.levelno == logging.DEBUG
    ]
    assert len(lines) == 2
    assert lines[0].startswith(f"GET {account.path} -> HTTP 503 in ")
    assert lines[1].startswith(f"GET {account.path} -> HTTP 200 in ")


# close()


def test_close_ends_retry_wait(stand_in: StandInServer, account: Account) -> None:
    """close() during a 20 s Retry-After wait makes the waiting call raise at once."""
    stand_in.inject(Fault.status(503, b"", {"Retry-After": "20"}))
    settings = HttpSettings(retry_after_max=30.0, total_deadline=60.0, trust_env=False)
    transport = open_transport(stand_in, settings)

    waiting = threading.Event()

    class RetryWatcher(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno == logging.WARNING:
                waiting.set()

    watcher = RetryWatcher()
    http_logger = logging.getLogger("nexmo_client.http")
    http_logger.addHandler(watcher)
    outcome: list[BaseException | object] = []

    def call() -> None:
        try:
            outcome.append(transport.get_json(account.path, [], account.token))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=call, name="test-close-ends-retry-wait")
    worker.start()
    try:
        assert waiting.wait(timeout=10.0)
        closed_at = time.monotonic()
        transport.close()
        worker.join(timeout=5.0)
        finished_in = time.monotonic() - closed_at
    finally:
        http_logger.removeHandler(watcher)
        transport.close()

    assert not worker.is_alive()
    assert finished_in < 2.0
    assert len(outcome) == 1
    assert isinstance(outcome[0], NexmoCancelledError)
    assert outcome[0].type == ERROR_CANCELLED
    assert isinstance(outcome[0].__cause__, NexmoServerError)


def test_close_idempotent_and_final(stand_in: StandInServer, account: Account) -> None:
    """close() twice is fine, and a call afterwards raises NexmoCancelledError without sending."""
    transport = open_transport(stand_in)
    transport.get_json(account.path, [], account.token)
    transport.close()
    transport.close()

    with pytest.raises(NexmoCancelledError):
        transport.get_json(account.path, [], account.token)
    assert len(stand_in.requests) == 1


def test_close_stops_deadline_thread(stand_in: StandInServer, account: Account) -> None:
    """The deadline thread exists while the transport is used and ends after close()."""
    transport = open_transport(stand_in)
    transport.get_json(account.path, [], account.token)
    watchdogs = [
        thread for thread in threading.enumerate() if thread.name == "nexmo-client-http-deadline"
    ]
    transport.close()
    for thread in watchdogs:
        thread.join(timeout=2.0)

    assert len(watchdogs) == 1
    assert watchdogs[0].daemon
    assert not watchdogs[0].is_alive()


# Concurrency


def test_concurrent_calls_keep_tokens_apart(stand_in: StandInServer) -> None:
    """Eight threads on one transport, half with a forged token, each get their own result."""
    accounts = [Account(stand_in, f"user{index}") for index in range(8)]
    transport = open_transport(stand_in, FAST, pool_size=8)
    start = threading.Barrier(8, timeout=10.0)
    results: dict[int, list[str]] = {index: [] for index in range(8)}

    def run(index: int) -> None:
        account = accounts[index]
        token = account.token if index % 2 == 0 else forge(account.token)
        start.wait()
        for _ in range(10):
            try:
                body = transport.get_json(account.path, [], token)
                results[index].append(body["_embedded"]["sessions"][0]["id"])
            except NexmoAuthenticationError:
                results[index].append("401")
            except NexmoApiError as error:
                results[index].append(f"unexpected {error!r}")

    threads = [threading.Thread(target=run, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30.0)
    transport.close()

    assert not any(thread.is_alive() for thread in threads)
    for index, account in enumerate(accounts):
        expected = account.session_id if index % 2 == 0 else "401"
        assert results[index] == [expected] * 10
    assert len(stand_in.requests) == 80
