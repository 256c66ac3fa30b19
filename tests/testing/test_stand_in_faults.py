"""Fault injection, keep-alive and the stand-in server's lifecycle."""

from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from nexmo_client.testing import Fault, StandInServer

from .conftest import Alice


def address_of(server: StandInServer) -> tuple[str, int]:
    """Return the server's host and port."""
    host, port = urlsplit(server.url).netloc.rsplit(":", 1)
    return host, int(port)


def raw_request(alice: Alice, path: str) -> bytes:
    """Return the bytes of a GET request with alice's token, keeping the connection open."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {urlsplit(alice.server.url).netloc}",
        f"Authorization: {alice.headers['Authorization']}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def connection_threads() -> list[threading.Thread]:
    """Return the server's live connection threads."""
    return [t for t in threading.enumerate() if t.name.startswith("nexmo-stand-in-connection-")]


def sessions_path(alice: Alice) -> str:
    """Return alice's sessions path."""
    return f"/v1/users/{alice.user.id}/sessions"


def test_status_fault_with_json_body(alice: Alice) -> None:
    """Fault.status sends the status, a JSON body, the headers and an exact Content-Length."""
    alice.server.inject(Fault.status(503, {"title": "busy"}, {"Retry-After": "7"}))

    response = alice.get(sessions_path(alice))

    assert response.status_code == 503
    assert response.json() == {"title": "busy"}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Retry-After"] == "7"
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_status_fault_with_text_and_bytes(alice: Alice) -> None:
    """A str body is sent as text/plain; bytes only with the Content-Type the test sets."""
    alice.server.inject(Fault.status(502, "<html>bad gateway</html>"), times=1)
    alice.server.inject(Fault.status(504, b"<html/>", {"Content-Type": "text/html"}), times=1)
    alice.server.inject(Fault.status(429, b""), times=1)

    text = alice.get("/v1/users")
    html = alice.get("/v1/users")
    empty = alice.get("/v1/users")

    assert text.status_code == 502
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.text == "<html>bad gateway</html>"
    assert html.status_code == 504
    assert html.headers["Content-Type"] == "text/html"
    assert empty.status_code == 429
    assert empty.headers["Content-Length"] == "0"
    assert "Content-Type" not in empty.headers


def test_status_fault_skips_token_check(stand_in: StandInServer) -> None:
    """A status fault responds even to a request without a token."""
    stand_in.inject(Fault.status(200, {"_embedded": {"sessions": []}}))

    response = requests.get(f"{stand_in.url}/v1/users/anyone/sessions", timeout=10)

    assert response.status_code == 200
    assert response.json() == {"_embedded": {"sessions": []}}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Fault.status(99), "200 to 599"),
        (lambda: Fault.status(600), "200 to 599"),
        (lambda: Fault.status(204, b"x"), "cannot have a body"),
        (lambda: Fault.status(500, headers={"Content-Length": "3"}), "Content-Length"),
        (lambda: Fault.status(500, headers={"X-A": "1\r\nX-B: 2"}), "line break"),
        (lambda: Fault.delay(-1), "seconds"),
        (lambda: Fault.delay(float("nan")), "seconds"),
        (lambda: Fault.drip(0.1, chunk_size=0), "chunk_size"),
    ],
)
def test_fault_arguments_validated(build: object, message: str) -> None:
    """Fault constructors reject values that cannot be sent."""
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_inject_arguments_validated(stand_in: StandInServer) -> None:
    """inject rejects a path with a query and a times below 1."""
    with pytest.raises(ValueError, match="path"):
        stand_in.inject(Fault.drop(), path="/v1/users?name=x")
    with pytest.raises(ValueError, match="times"):
        stand_in.inject(Fault.drop(), times=0)


def test_delay(alice: Alice) -> None:
    """Fault.delay waits, then sends the normal response."""
    alice.server.inject(Fault.delay(0.3), times=1)

    started = time.monotonic()
    response = alice.get(sessions_path(alice))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert len(response.json()["_embedded"]["sessions"]) == 3
    assert elapsed >= 0.3


def test_drop(alice: Alice) -> None:
    """Fault.drop closes the connection without a response."""
    alice.server.inject(Fault.drop(), times=1)

    with pytest.raises(requests.ConnectionError):
        alice.get(sessions_path(alice))
    assert alice.get(sessions_path(alice)).status_code == 200


def test_reset_mid_body(alice: Alice) -> None:
    """Fault.reset_mid_body sends the headers and part of the body, then resets."""
    alice.server.inject(Fault.reset_mid_body(), times=1)

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        alice.get(sessions_path(alice))


def test_reset_mid_body_bytes(alice: Alice) -> None:
    """On the wire: a complete header block, less body than Content-Length, then RST."""
    alice.server.inject(Fault.reset_mid_body(), times=1)
    received = b""
    with socket.create_connection(address_of(alice.server), timeout=10) as client:
        client.sendall(raw_request(alice, sessions_path(alice)))
        reset = False
        try:
            while chunk := client.recv(65536):
                received += chunk
        except ConnectionResetError:
            reset = True

    head, _, body = received.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.startswith(b"Content-Length")
        )
    )
    assert reset
    assert head.startswith(b"HTTP/1.1 200 ")
    assert 0 < len(body) < length


def test_drip(alice: Alice) -> None:
    """Fault.drip sends the whole response in chunks of chunk_size bytes, interval apart."""
    alice.server.inject(Fault.drip(0.005, chunk_size=100), times=1)
    with socket.create_connection(address_of(alice.server), timeout=10) as client:
        client.sendall(raw_request(alice, "/v1/users"))
        # Half-closing makes the server close the connection after this one response.
        client.shutdown(socket.SHUT_WR)
        started = time.monotonic()
        first = client.recv(65536)
        data = first
        while chunk := client.recv(65536):
            data += chunk
        elapsed = time.monotonic() - started

    head, _, body = data.partition(b"\r\n\r\n")
    assert len(first) <= 100
    assert head.startswith(b"HTTP/1.1 200 ")
    assert f"Content-Length: {len(body)}".encode() in head
    assert b'"users"' in body
    assert elapsed >= 0.005 * (len(data) // 100 - 1)


def test_drip_through_requests(alice: Alice) -> None:
    """A dripped response still parses as the normal response."""
    alice.server.inject(Fault.drip(0.001, chunk_size=256))

    response = alice.get(sessions_path(alice))

    assert response.status_code == 200
    assert len(response.json()["_embedded"]["sessions"]) == 3


def test_hang_until_stop(alice: Alice) -> None:
    """Fault.hang never responds, and stop() closes the hung connection within a second."""
    server = alice.server
    server.inject(Fault.hang())
    with socket.create_connection(address_of(server), timeout=0.3) as client:
        client.sendall(raw_request(alice, sessions_path(alice)))
        with pytest.raises(TimeoutError):
            client.recv(1)

        started = time.monotonic()
        server.stop()
        stop_seconds = time.monotonic() - started
        client.settimeout(5)
        after_stop = client.recv(1)

    assert stop_seconds < 1.0
    assert after_stop == b""
    assert server.requests[-1].path == sessions_path(alice)


def test_hang_ends_when_client_leaves(alice: Alice) -> None:
    """A hung connection's thread ends once the client closes its socket."""
    alice.server.inject(Fault.hang())
    before = set(connection_threads())
    client = socket.create_connection(address_of(alice.server), timeout=0.3)
    client.sendall(raw_request(alice, sessions_path(alice)))
    with pytest.raises(TimeoutError):
        client.recv(1)
    hung = [thread for thread in connection_threads() if thread not in before]

    client.close()
    for thread in hung:
        thread.join(timeout=5)

    assert len(hung) == 1
    assert not hung[0].is_alive()


def test_delay_cut_short_by_stop(alice: Alice) -> None:
    """stop() ends a long delay at once and closes the connection without a response."""
    alice.server.inject(Fault.delay(60))
    with socket.create_connection(address_of(alice.server), timeout=0.2) as client:
        client.sendall(raw_request(alice, sessions_path(alice)))
        with pytest.raises(TimeoutError):
            client.recv(1)
        started = time.monotonic()
        alice.server.stop()
        stop_seconds = time.monotonic() - started
        client.settimeout(5)
        after_stop = client.recv(1)

    assert stop_seconds < 1.0
    assert after_stop == b""


def test_times_counts_matching_requests(alice: Alice) -> None:
    """A fault with times=2 applies to the next two matching requests only."""
    alice.server.inject(Fault.status(503), path=sessions_path(alice), times=2)

    other = alice.get(f"/v1/users/{alice.user.id}")
    statuses = [alice.get(sessions_path(alice)).status_code for _ in range(3)]

    assert other.status_code == 200
    assert statuses == [503, 503, 200]


def test_clear_faults(alice: Alice) -> None:
    """clear_faults() removes faults that have no count."""
    alice.server.inject(Fault.status(500))
    assert alice.get("/v1/users").status_code == 500

    alice.server.clear_faults()

    assert alice.get("/v1/users").status_code == 200


def test_first_injected_fault_wins(alice: Alice) -> None:
    """When two faults match, the one injected first applies until it is used up."""
    alice.server.inject(Fault.status(502), times=1)
    alice.server.inject(Fault.status(503), times=1)

    statuses = [alice.get("/v1/users").status_code for _ in range(3)]

    assert statuses == [502, 503, 200]


def test_fault_by_user(alice: Alice) -> None:
    """A fault for a user id applies to that user's paths only."""
    bob = alice.server.store.add_user("bob", user_id="USR-b/ob")
    alice.server.inject(Fault.status(500), user_id=bob.id)

    bob_sessions = alice.get("/v1/users/USR-b%2Fob/sessions")
    bob_user = alice.get("/v0.3/users/USR-b%2Fob")
    alice_sessions = alice.get(sessions_path(alice))
    users = alice.get("/v1/users")

    assert bob_sessions.status_code == 500
    assert bob_user.status_code == 500
    assert alice_sessions.status_code == 200
    assert users.status_code == 200


def test_fault_path_matches_any_encoding(alice: Alice) -> None:
    """A fault's path matches the same segments however a client percent-encodes them."""
    alice.server.store.add_user("tilde", user_id="USR-~a@b")
    alice.server.inject(Fault.status(500), path="/v1/users/USR-%7Ea%40b")

    assert alice.get("/v1/users/USR-~a@b").status_code == 500
    assert alice.get("/v1/users/USR-%7ea@b").status_code == 500
    assert alice.get("/v1/users/USR-~a@b/sessions").status_code == 200


def test_keep_alive_reuses_connection(alice: Alice) -> None:
    """Several requests share one connection, each response without Nagle's delay."""
    host, port = address_of(alice.server)
    connection = http.client.HTTPConnection(host, port, timeout=10)
    local_ports = set()
    timings = []
    try:
        for _ in range(20):
            started = time.perf_counter()
            connection.request("GET", sessions_path(alice), headers=alice.headers)
            response = connection.getresponse()
            body = response.read()
            timings.append(time.perf_counter() - started)
            assert response.status == 200
            assert len(body) == int(response.headers["Content-Length"])
            assert connection.sock is not None
            local_ports.add(connection.sock.getsockname()[1])
    finally:
        connection.close()

    assert len(local_ports) == 1
    # Nagle's algorithm with delayed ACKs adds about 40 ms per response on Linux.
    assert statistics.median(timings) < 0.03


def test_stop_closes_idle_connections(alice: Alice) -> None:
    """stop() closes idle keep-alive connections too."""
    with socket.create_connection(address_of(alice.server), timeout=5) as client:
        client.sendall(raw_request(alice, "/v1/users"))
        assert client.recv(65536).startswith(b"HTTP/1.1 200 ")

        alice.server.stop()

        assert client.recv(65536) == b""


def test_start_and_stop_idempotent() -> None:
    """start() and stop() may be called twice; a stopped server does not start again."""
    server = StandInServer()
    with pytest.raises(RuntimeError, match="start"):
        _ = server.url
    server.start()
    url = server.url
    server.start()
    server.stop()
    server.stop()

    assert server.url == url
    with pytest.raises(RuntimeError, match="stopped"):
        server.start()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)


def test_stop_before_start() -> None:
    """stop() on a server that never started does nothing."""
    server = StandInServer()

    server.stop()

    with pytest.raises(RuntimeError):
        server.start()


def test_threads_are_daemons(alice: Alice) -> None:
    """The accept thread and connection threads are daemon threads."""
    session = requests.Session()
    session.get(f"{alice.server.url}/v1/users", headers=alice.headers, timeout=10)

    threads = [t for t in threading.enumerate() if t.name.startswith("nexmo-stand-in-")]

    session.close()
    assert len(threads) >= 2
    assert all(thread.daemon for thread in threads)


def test_concurrent_requests(alice: Alice) -> None:
    """Requests from several threads at once all get a 200 response."""
    barrier = threading.Barrier(8, timeout=10)
    statuses: list[int] = []
    lock = threading.Lock()

    def fetch() -> None:
        barrier.wait()
        for _ in range(5):
            status = alice.get(sessions_path(alice)).status_code
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=fetch) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert statuses == [200] * 40
