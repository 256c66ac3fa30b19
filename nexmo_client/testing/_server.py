"""The HTTP/1.1 server: connections, keep-alive, request records, faults and the lifecycle."""

from __future__ import annotations

import contextlib
import itertools
import logging
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from nexmo_client.testing._api import ConversationApi, route_user_id
from nexmo_client.testing._cursors import CursorCodec
from nexmo_client.testing._faults import Fault, FaultTable
from nexmo_client.testing._responses import (
    BAD_REQUEST,
    INTERNAL_ERROR,
    ApiError,
    Response,
)
from nexmo_client.testing._store import Store
from nexmo_client.testing._tokens import TokenAuthority

logger = logging.getLogger("nexmo_client.testing.server")

# How long an idle keep-alive connection stays open, in seconds. Clients must cope with a
# server that closes an idle connection, and a bound keeps abandoned connections from piling
# up threads in a long-running command-line server.
IDLE_TIMEOUT_SECONDS = 60.0
# The maximum number of requests that ``StandInServer.requests`` keeps. Older ones are
# dropped first.
MAX_RECORDED_REQUESTS = 10_000
# The largest request body read (and discarded) to keep a keep-alive connection in step.
MAX_REQUEST_BODY_BYTES = 1 << 20
# How long ``stop()`` waits for connection threads to finish after closing their sockets.
STOP_WAIT_SECONDS = 1.0
# How often the accept loop checks for ``stop()``, in seconds.
_POLL_INTERVAL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the server received it, for tests to assert on.

    ``path`` is the request path as sent, still percent-encoded, without the query.
    ``query`` contains the decoded query pairs in order. ``headers`` maps lower-case names to
    values (repeated headers joined with ``", "``), and never contains ``authorization``.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]


def canonical_path(raw_path: str) -> str:
    """Return a path with every segment percent-encoded the same way, to compare two paths.

    Clients may encode the same segment differently (``%7E`` or ``~``, ``@`` or ``%40``).
    Decoding each segment and encoding it again with one rule makes such paths equal, while
    ``%2F`` inside a segment stays distinct from a ``/`` between segments.
    """
    return "/".join(
        quote(unquote(part, errors="surrogateescape"), safe="", errors="surrogateescape")
        for part in raw_path.split("/")
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _Handler(BaseHTTPRequestHandler):
    """One connection: reads requests until the client or the server closes it."""

    server: _HttpServer
    protocol_version = "HTTP/1.1"
    server_version = "nexmo-stand-in"
    timeout = IDLE_TIMEOUT_SECONDS
    # Nagle's algorithm would hold back the small packets that drip sends, and delay a
    # response on a keep-alive connection whose previous packet is not yet acknowledged.
    disable_nagle_algorithm = True

    def handle_one_request(self) -> None:
        # The base class's version dispatches to do_<METHOD> and sends 501 for other methods.
        # This one handles every method itself, so that a known path gets 405 instead.
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except TimeoutError:
            logger.debug("closing a connection idle for %.0f s", IDLE_TIMEOUT_SECONDS)
            self.close_connection = True
            return
        except OSError:
            # stop() shut the socket down, or the client reset it.
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        try:
            self._serve()
        except (TimeoutError, OSError) as error:
            # The client went away or stopped reading, so nothing can be sent any more.
            logger.debug(
                "connection failed while serving %s %s: %r", self.command, self.path, error
            )
            self.close_connection = True

    def _serve(self) -> None:
        started = time.perf_counter()
        stand_in = self.server.stand_in
        method = self.command
        raw_path, query_text = _split_target(self.path)
        query = tuple(parse_qsl(query_text, keep_blank_values=True))

        if not self._discard_request_body():
            return

        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            if key == "authorization":
                continue
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        stand_in._record(RecordedRequest(method, raw_path, query, headers))

        fault = stand_in._faults.take(canonical_path(raw_path), route_user_id(raw_path))
        if fault is not None and fault.kind == "status":
            response = Response(fault.status_code, fault.headers, fault.body)
        else:
            response = self._respond(method, raw_path, query, stand_in)

        outcome = self._send(response) if fault is None else self._apply_fault(fault, response)
        elapsed = (time.perf_counter() - started) * 1000
        logger.info("%s %s -> %s in %.1f ms", method, self.path, outcome, elapsed)

    def _respond(
        self,
        method: str,
        raw_path: str,
        query: tuple[tuple[str, str], ...],
        stand_in: StandInServer,
    ) -> Response:
        authorization = self.headers.get_all("Authorization") or []
        try:
            return stand_in._api.respond(method, raw_path, query, authorization, stand_in.url)
        except Exception:
            logger.exception("internal error while responding to %s %s", method, self.path)
            return ApiError(
                500, INTERNAL_ERROR, "The stand-in server failed; see its log."
            ).to_response()

    def _discard_request_body(self) -> bool:
        """Read a request body, if any, so the next request on the connection starts cleanly.

        Returns False after sending an error response and closing, when the body cannot be read.
        """
        if self.headers.get("Transfer-Encoding"):
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, "chunked request bodies are not supported")
            return False
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return True
        if not length_text.strip().isdigit():
            self.send_error(HTTPStatus.BAD_REQUEST, f"invalid Content-Length {length_text!r}")
            return False
        length = int(length_text)
        if length > MAX_REQUEST_BODY_BYTES:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return False
        self.rfile.read(length)
        return True

    # Writing responses

    def _serialize(self, response: Response) -> bytes:
        close = self.close_connection or response.close
        for name, value in response.headers:
            if name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        self.close_connection = close

        lines = [
            f"HTTP/1.1 {response.status} {_reason(response.status)}",
            f"Server: {self.server_version}",
            f"Date: {formatdate(usegmt=True)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        lines.append(f"Content-Length: {len(response.body)}")
        if close:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # A response to HEAD carries the Content-Length of the body it leaves out.
        return head if self.command == "HEAD" else head + response.body

    def _send(self, response: Response) -> str:
        # One write for headers and body, so that the response leaves in as few packets as
        # the socket allows.
        self.wfile.write(self._serialize(response))
        return str(response.status)

    def _apply_fault(self, fault: Fault, response: Response) -> str:
        stopping = self.server.stand_in._stopping
        if fault.kind == "status":
            return self._send(response) + " (fault: status)"

        if fault.kind == "delay":
            if stopping.wait(fault.seconds):
                self.close_connection = True
                return "no response (fault: delay, cut short by stop)"
            return self._send(response) + f" (fault: delay {fault.seconds:g} s)"

        if fault.kind == "drop":
            self.close_connection = True
            return "no response (fault: drop)"

        if fault.kind == "reset_mid_body":
            data = self._serialize(response)
            body_start = data.index(b"\r\n\r\n") + 4
            self.wfile.write(data[: body_start + len(response.body) // 2])
            self._reset_connection()
            return f"{response.status}, reset mid-body (fault)"

        if fault.kind == "drip":
            data = self._serialize(response)
            for offset in range(0, len(data), fault.chunk_size):
                self.wfile.write(data[offset : offset + fault.chunk_size])
                if offset + fault.chunk_size < len(data) and stopping.wait(fault.seconds):
                    self.close_connection = True
                    return "partial response (fault: drip, cut short by stop)"
            return f"{response.status} (fault: drip)"

        # hang: wait until the client disconnects or stop() shuts the socket down. Bytes that
        # arrive meanwhile (a pipelined request) are read and ignored.
        self.close_connection = True
        while not stopping.is_set():
            try:
                if not self.connection.recv(4096):
                    break
            except TimeoutError:
                continue
            except OSError:
                break
        return "no response (fault: hang)"

    def _reset_connection(self) -> None:
        """Close the connection with a TCP reset (RST) instead of an orderly close (FIN)."""
        self.close_connection = True
        self.server.forget_connection(self.connection)
        # SO_LINGER with a zero timeout makes close() send RST. The file objects are closed
        # first, because the socket stays open while any of them still refers to it.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Send a JSON error body for a request that cannot be parsed, then close the connection."""
        self.close_connection = True
        status = int(code)
        detail = message or _reason(status)
        response = ApiError(status, BAD_REQUEST, f"{detail}.").to_response()
        logger.info("%r -> %d (%s)", self.requestline, status, detail)
        with contextlib.suppress(OSError):
            self.wfile.write(self._serialize(response))

    def log_message(self, format: str, *args: Any) -> None:
        # The base class writes to stderr, but _serve logs requests instead.
        logger.debug(format, *args)


def _split_target(target: str) -> tuple[str, str]:
    """Split a request target into the raw path and the query string."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


class _HttpServer(HTTPServer):
    """Accepts connections and serves each on its own daemon thread, and tracks them so that
    ``stop()`` can close idle and hung connections too."""

    stand_in: StandInServer
    # socketserver's default backlog of 5 drops connections when a test opens many at once,
    # and the client's TCP stack retries a dropped SYN only after about a second.
    request_queue_size = 128

    def __init__(self, stand_in: StandInServer, host: str, port: int) -> None:
        self.stand_in = stand_in
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_changed = threading.Condition()
        self._closing = False
        self._thread_numbers = itertools.count(1)
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's fully qualified name, which can wait on
        # DNS, and the stand-in never uses that name.
        super(HTTPServer, self).server_bind()
        host, port = self.server_address[:2]
        self.server_name = host.decode() if isinstance(host, bytes) else str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_changed:
            if self._closing:
                self.shutdown_request(request)
                return
            self._connections.add(request)
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"nexmo-stand-in-connection-{next(self._thread_numbers)}",
            daemon=True,
        )
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def forget_connection(self, request: socket.socket) -> None:
        """Stop tracking a connection, before its thread closes it."""
        with self._connections_changed:
            self._connections.discard(request)
            self._connections_changed.notify_all()

    def shutdown_request(self, request: Any) -> None:
        self.forget_connection(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver calls this from inside an exception handler, so the traceback is there.
        logger.exception(  # noqa: LOG004
            "error while serving a connection from %s", client_address
        )

    def close_connections(self, timeout: float) -> None:
        """Shut every open connection down, then wait up to ``timeout`` s for their threads.

        The sockets are shut down rather than closed here, because their threads may be
        blocked on them. Each thread closes its own socket as it ends.
        """
        with self._connections_changed:
            self._closing = True
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            if not self._connections_changed.wait_for(lambda: not self._connections, timeout):
                logger.warning(
                    "%d connection threads still running after stop; they are daemon threads",
                    len(self._connections),
                )


class StandInServer:
    """A stand-in Conversation API server on its own threads (the package docstring has a guide).

    Every method may be called from any thread. ``start()`` and ``stop()`` are idempotent, but a
    stopped server cannot start again. Connection threads are daemon threads, so they never
    keep the process alive.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        private_key_pem: bytes | str | None = None,
        application_id: str | None = None,
    ) -> None:
        """Create a server, which listens only after ``start()``.

        ``private_key_pem`` is the application's RSA private key (PEM, unencrypted, at least
        2048 bits), and a new key is generated when it is ``None``. ``application_id`` is a new
        UUID when ``None``. Tokens must carry it in their ``application_id`` claim.

        Raises:
            ValueError: the key cannot be loaded, is not RSA or is shorter than 2048 bits.
        """
        self.store = store if store is not None else Store()
        self._host = host
        self._port = port
        self._tokens = TokenAuthority(private_key_pem, application_id)
        self._api = ConversationApi(self.store, self._tokens, CursorCodec())
        self._faults = FaultTable()
        self._requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED_REQUESTS)
        self._requests_lock = threading.Lock()
        self._lifecycle_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._stopped = False

    @property
    def application_id(self) -> str:
        """The application id that tokens must carry in their ``application_id`` claim."""
        return self._tokens.application_id

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:50123``, without a trailing slash.

        Raises:
            RuntimeError: the server has not been started.
        """
        if self._url is None:
            raise RuntimeError("the stand-in server has no URL until start() is called")
        return self._url

    def start(self) -> StandInServer:
        """Bind the socket, start serving on a daemon thread and return the server.

        Raises:
            RuntimeError: the server was stopped before.
            OSError: the host and port cannot be bound.
        """
        with self._lifecycle_lock:
            if self._stopped:
                raise RuntimeError("a stopped stand-in server cannot be started again")
            if self._httpd is not None:
                return self
            httpd = _HttpServer(self, self._host, self._port)
            host, port = httpd.server_name, httpd.server_port
            # NOTE: links are built from this URL, so a server bound to 0.0.0.0 sends links to
            # 0.0.0.0, which only some clients can connect to.
            host_text = f"[{host}]" if ":" in host else host
            self._url = f"http://{host_text}:{port}"
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL_SECONDS},
                name="nexmo-stand-in-accept",
                daemon=True,
            )
            self._httpd = httpd
            self._thread.start()
        logger.info("stand-in server listening on %s", self._url)
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection (idle, hung or mid-response) and return.

        Returns within about a second: waits in faults end at once, and connection threads
        that are still running after ``STOP_WAIT_SECONDS`` are left to end by themselves.
        """
        with self._lifecycle_lock:
            if self._stopped:
                return
            self._stopped = True
            httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections(STOP_WAIT_SECONDS)
        thread.join(STOP_WAIT_SECONDS)
        logger.info("stand-in server on %s stopped", self._url)

    def __enter__(self) -> StandInServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def mint_token(
        self,
        sub: str,
        *,
        lifetime: float = 3600.0,
        acl: Mapping[str, Any] | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """Return an RS256 client token for the user named ``sub``, signed with this server's key.

        ``lifetime`` is in seconds, and any negative value gives a token that is already expired,
        also within the server's one second of leeway. ``acl`` ``None`` means
        ``DEFAULT_CLIENT_ACL``. ``extra_claims`` are added last, so they can also replace the
        standard claims (``application_id``, ``sub``, ``iat``, ``exp``, ``jti``, ``acl``).
        """
        return self._tokens.mint(sub, lifetime=lifetime, acl=acl, extra_claims=extra_claims)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received, oldest first (at most the last 10,000)."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._requests_lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)

    def inject(
        self,
        fault: Fault,
        *,
        path: str | None = None,
        user_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """Apply ``fault`` to matching requests, from the next one on.

        ``path`` is a request path without query, such as ``/v1/users/USR-1/sessions``, with
        the user id percent-encoded. Any encoding of the same segments matches. ``user_id``
        matches every request whose path names that user (``/users/{id}`` and its sessions).
        With both, a request must match both, and with neither, every request matches. ``times``
        limits how many requests the fault applies to, and ``None`` means until
        ``clear_faults()``. When several faults match, the one injected first applies.

        Raises:
            ValueError: ``path`` has a query or does not start with ``/``, or ``times`` < 1.
        """
        if path is not None and (not path.startswith("/") or "?" in path):
            raise ValueError(f"invalid path {path!r}: expected a path such as /v1/users/USR-1")
        canonical = None if path is None else canonical_path(path)
        self._faults.add(fault, canonical, user_id, times)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._faults.clear()
