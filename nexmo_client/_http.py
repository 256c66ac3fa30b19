"""The HTTP transport: one ``requests`` session per transport, with the library's own rules.

This is the only module of the package that imports ``requests`` or ``urllib3``. Every
exception they raise is turned here into the most specific
:class:`~nexmo_client.errors.NexmoApiError` subclass, with ``raise ... from``:

==========================================================  =============================
``requests`` / ``urllib3`` exception                        raised as
==========================================================  =============================
``SSLError`` (checked first: it is a ``ConnectionError``)   ``NexmoConnectionError``, type
                                                            ``error:network:tls``
``ConnectTimeout``, ``ReadTimeout``, a cut by the deadline  ``NexmoTimeoutError``
``ConnectionError``, ``ChunkedEncodingError``,              ``NexmoConnectionError``
``ContentDecodingError``, ``ProtocolError``, other errors
``InvalidHeader`` in a response                             ``NexmoBadResponseError``
``InvalidURL``, ``InvalidSchema``, ...                      ``NexmoValidationError``
==========================================================  =============================

What a request does, once per call and never through the environment on each call:

* The bearer token is attached per request by an auth object, so ``~/.netrc`` cannot replace
  it and no shared header is written. Redirects are never followed, so the token never leaves
  the configured host.
* The proxies and the CA bundle are decided once, in ``Transport.__init__``. Environment
  proxies are skipped for loopback hosts.
* Each attempt has connect and read timeouts and a wall-clock deadline that a
  :class:`~nexmo_client._deadline.DeadlineWatchdog` enforces by shutting down the socket.
* The body is read in chunks up to ``HttpSettings.max_response_bytes``.
* Failed attempts are retried as :mod:`nexmo_client._retry` decides.

Logging, on the logger ``nexmo_client.http``: one DEBUG line per attempt (method, path,
status or error, elapsed seconds) and one WARNING per retry (method, path, cause, attempt
number, wait). Query strings, tokens and ``Authorization`` headers are never logged.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests
import requests.adapters
import requests.auth
import requests.exceptions
import requests.utils
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from nexmo_client._deadline import Attempt, DeadlineWatchdog, bind_current_attempt
from nexmo_client._http_settings import HttpSettings
from nexmo_client._retry import plan_retry_wait
from nexmo_client._version import __version__
from nexmo_client.errors import (
    ERROR_REDIRECT,
    ERROR_TLS,
    NexmoApiError,
    NexmoBadResponseError,
    NexmoCancelledError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoTimeoutError,
    NexmoValidationError,
    error_from_response,
)

__all__ = ["HttpSettings", "Transport"]

logger = logging.getLogger("nexmo_client.http")

USER_AGENT = f"nexmo-client-python/{__version__} python-requests/{requests.__version__}"

_CHUNK_SIZE = 64 * 1024

# Visible ASCII only: a token with a space, CR, LF, another control character or a non-ASCII
# character could split or corrupt the request headers.
_TOKEN_PATTERN = re.compile(r"[\x21-\x7e]+")

# An absolute path of RFC 3986 characters, with every other byte already percent-encoded.
_PATH_PATTERN = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")

_HOST_PATTERN = re.compile(r"[A-Za-z0-9.\-_:\[\]]+")


class _BearerAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer <token>`` on one prepared request; the repr hides it."""

    def __init__(self, token: str) -> None:
        self._header_value = "Bearer " + token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header_value
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(token='<hidden>')"


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    """An HTTP connection that binds itself to the current attempt for the deadline watchdog."""

    watched_attempt: Attempt | None = None

    def connect(self) -> None:
        bind_current_attempt(self)
        super().connect()
        # Again once the socket exists, in case the deadline passed while connecting.
        bind_current_attempt(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A pooled keep-alive connection skips connect(), so the attempt is bound here too.
        bind_current_attempt(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, urllib3.connection.HTTPSConnection):
    """An HTTPS connection that binds itself to the current attempt for the deadline watchdog.

    The binding methods come from ``_WatchedHTTPConnection``, whose ``super()`` calls reach
    ``HTTPSConnection`` first in this class's method resolution order, so TLS still runs.
    """


class _WatchedHTTPConnectionPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOL_CLASSES = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose pools, direct or through an HTTP(S) proxy, use the watched connections."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # NOTE: a SOCKS proxy keeps urllib3's own connection classes, so the deadline cannot
        # cut its sockets; the connect and read timeouts still apply.
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOL_CLASSES
        return manager


def _is_loopback_host(host: str) -> bool:
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _innermost_cause(error: BaseException) -> BaseException:
    """Return the exception at the bottom of the wrappers that requests and urllib3 add."""
    seen = {id(error)}
    current = error
    while True:
        inner: object = None
        if isinstance(current, urllib3.exceptions.MaxRetryError):
            inner = current.reason
        elif current.args and isinstance(current.args[-1], BaseException):
            inner = current.args[-1]
        elif current.__cause__ is not None:
            inner = current.__cause__
        if not isinstance(inner, BaseException) or id(inner) in seen:
            return current
        seen.add(id(inner))
        current = inner


def _describe_proxy(proxy_url: str | None) -> str:
    """Return "through proxy scheme://host:port" for error messages, without credentials."""
    if not proxy_url:
        return ""
    try:
        parts = urlsplit(proxy_url)
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "through a proxy"
    return f"through proxy {parts.scheme}://{parts.hostname or '?'}{port}"


def _describe_cause(error: BaseException) -> str:
    cause = _innermost_cause(error)
    text = str(cause)
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


class Transport:
    """Sends authenticated GET requests to one base URL and returns their decoded JSON.

    Thread-safe: :meth:`get_json` may run on up to ``pool_size`` threads at once, and
    :meth:`close` may be called from any thread. One daemon thread, named
    ``<name>-http-deadline``, enforces the per-attempt deadline from the first call until
    :meth:`close`, and ends once the attempts in flight at that moment are done.
    """

    def __init__(
        self,
        base_url: str,
        settings: HttpSettings,
        *,
        pool_size: int,
        name: str = "nexmo-client",
    ) -> None:
        """Check the settings and decide the proxies and the CA bundle, once.

        ``base_url`` is ``http`` or ``https`` with a host, an optional port and an optional
        path prefix, and no user name, query or fragment. ``pool_size`` is the number of
        connections kept open per host, at least the number of threads that call
        :meth:`get_json`. Raises ``ValueError`` naming the bad value, including a CA bundle
        path (from ``settings.verify`` or the environment) that does not exist.
        """
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(f"pool_size must be an int of 1 or more, got {pool_size!r}")
        if not isinstance(settings, HttpSettings):
            raise TypeError(f"settings must be an HttpSettings, got {type(settings).__name__}")

        self._settings = settings
        self._base_url, self._origin, host, scheme = self._parse_base_url(base_url)
        self._verify = self._choose_verify(settings, scheme)
        self._proxies = self._choose_proxies(settings, self._base_url, host)
        self._proxy_note = _describe_proxy(self._proxies.get(scheme))
        self._timeout_cap = (settings.connect_timeout, settings.read_timeout)
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }

        self._adapter = _WatchedAdapter(
            pool_connections=1,
            pool_maxsize=pool_size,
            pool_block=False,
            # urllib3 must never retry on its own: it would hide a status or a failure from
            # the retry loop below. read=False re-raises read errors instead of wrapping them.
            max_retries=Retry(0, read=False),
        )
        # The session owns the adapter and closes it. Requests are sent through the adapter
        # directly (see _send), so the session's environment, cookie and redirect handling
        # never runs.
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.mount("http://", self._adapter)
        self._session.mount("https://", self._adapter)

        self._watchdog = DeadlineWatchdog(f"{name}-http-deadline")
        self._closed = threading.Event()
        self._close_lock = threading.Lock()

    @staticmethod
    def _parse_base_url(base_url: str) -> tuple[str, str, str, str]:
        if not isinstance(base_url, str):
            raise ValueError(f"base_url must be a str, got {type(base_url).__name__}")
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except ValueError as error:
            raise ValueError(f"base_url {base_url!r} is not a valid URL: {error}") from None
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        if scheme not in ("http", "https"):
            raise ValueError(f"base_url {base_url!r} must start with http:// or https://")
        if not host or not _HOST_PATTERN.fullmatch(host):
            raise ValueError(
                f"base_url {base_url!r} must name an ASCII host (use the punycode form of an "
                "internationalized name)"
            )
        if parts.username is not None or parts.password is not None:
            raise ValueError("base_url must not contain a user name or password")
        if parts.query or parts.fragment or base_url.endswith(("?", "#")):
            raise ValueError(f"base_url {base_url!r} must not contain a query or a fragment")
        if parts.path and not _PATH_PATTERN.fullmatch(parts.path):
            raise ValueError(f"base_url {base_url!r} has an invalid path")

        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc = f"{netloc}:{port}"
        origin = f"{scheme}://{netloc}"
        return origin + parts.path.rstrip("/"), origin, host, scheme

    @staticmethod
    def _choose_verify(settings: HttpSettings, scheme: str) -> bool | str:
        verify: bool | str = settings.verify
        source = "the verify setting"
        if verify is True and settings.trust_env:
            # The same variables, in the same order, as requests' merge_environment_settings.
            for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
                value = os.environ.get(variable)
                if value:
                    verify, source = value, variable
                    break
        if scheme == "https" and isinstance(verify, str) and not os.path.exists(verify):
            raise ValueError(
                f"The CA bundle {verify!r} from {source} does not exist. Fix the path, or pass "
                "the verify setting, which wins over the environment."
            )
        return verify

    @staticmethod
    def _choose_proxies(settings: HttpSettings, base_url: str, host: str) -> dict[str, str]:
        if settings.proxies is not None:
            return dict(settings.proxies)
        if not settings.trust_env or _is_loopback_host(host):
            return {}
        # Honours NO_PROXY. The URL is fixed for the life of the transport, so once is enough.
        return dict(requests.utils.get_environ_proxies(base_url))

    def __repr__(self) -> str:
        return f"Transport({self._base_url!r}, closed={self._closed.is_set()})"

    def get_json(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        token: str,
        *,
        deadline: float | None = None,
    ) -> Any:
        """Send ``GET base_url + path?params`` with the bearer token and return its JSON.

        ``path`` is already percent-encoded, such as ``/v1/users/USR-1/sessions``. Each
        ``(name, value)`` in ``params`` is percent-encoded as a query value, so ``+``, ``/``
        and ``=`` arrive unchanged. Blocks for at most ``total_deadline`` seconds, retries
        included, on the calling thread. ``deadline``, a ``time.monotonic()`` value, replaces
        that bound when a caller sends several requests for one call and must keep them all
        within one total deadline.

        Returns the decoded JSON of a 2xx response (``{}`` included). Raises only
        :class:`~nexmo_client.errors.NexmoApiError` subclasses:

        * ``NexmoValidationError`` before sending, for an invalid token or path;
        * ``NexmoBadResponseError`` for an empty, non-JSON or oversized body;
        * ``NexmoHttpError`` subclasses for error statuses and redirects;
        * ``NexmoNetworkError`` subclasses when no complete response arrived;
        * ``NexmoCancelledError`` when :meth:`close` ends a wait between retries, or when the
          transport is already closed.
        """
        if self._closed.is_set():
            raise NexmoCancelledError(f"GET {path!r} was not sent: the HTTP transport is closed")
        auth = self._auth_for(token)
        url = self._url_for(path, params)

        settings = self._settings
        if deadline is None:
            total_deadline_at = time.monotonic() + settings.total_deadline
        else:
            total_deadline_at = deadline
        retry_number = 0
        while True:
            attempt_deadline = min(time.monotonic() + settings.request_deadline, total_deadline_at)
            try:
                return self._attempt(url, path, auth, attempt_deadline)
            except NexmoApiError as error:
                retry_number += 1
                remaining = total_deadline_at - time.monotonic()
                wait = plan_retry_wait(error, retry_number, remaining, settings)
                if wait is None:
                    raise
                logger.warning(
                    "GET %s attempt %d failed, retrying in %.2f s: %s",
                    path,
                    retry_number,
                    wait,
                    error,
                )
                if self._closed.wait(wait):
                    raise NexmoCancelledError(
                        f"GET {path} was cancelled: the HTTP transport was closed while "
                        f"waiting to retry after: {error}"
                    ) from error

    def close(self) -> None:
        """Close the pooled connections and end every wait between retries at once.

        A call waiting to retry raises ``NexmoCancelledError``. Attempts already sending or
        reading finish, still bounded by their deadline. Idempotent, and safe from any thread.
        """
        with self._close_lock:
            if self._closed.is_set():
                return
            self._closed.set()
        self._watchdog.close()
        self._session.close()

    def join(self, timeout: float | None = None) -> None:
        """Wait up to ``timeout`` seconds for the deadline thread to end after :meth:`close`.

        It ends when the last attempt in flight ends, so this waits at most until the
        latest request deadline of those attempts.
        """
        self._watchdog.join(timeout)

    def _auth_for(self, token: str) -> _BearerAuth:
        if not isinstance(token, str) or not token:
            raise NexmoValidationError(
                "The token is missing or not a string, so the request was not sent; log in first"
            )
        if not _TOKEN_PATTERN.fullmatch(token):
            # The message must not contain the token, even a malformed one.
            raise NexmoValidationError(
                "The token contains a character that is not allowed in an HTTP header (a space, "
                "CR, LF, another control character or a non-ASCII character), so the request "
                "was not sent"
            )
        return _BearerAuth(token)

    def _url_for(self, path: str, params: Sequence[tuple[str, str]]) -> str:
        if not isinstance(path, str) or not _PATH_PATTERN.fullmatch(path):
            raise NexmoValidationError(
                f"Invalid request path {path!r}: expected an absolute, percent-encoded path "
                "without a query or fragment"
            )
        if any(segment in (".", "..") for segment in path.split("/")):
            raise NexmoValidationError(
                f"Invalid request path {path!r}: '.' and '..' segments are not allowed"
            )
        if not params:
            return self._base_url + path
        try:
            # quote, not the default quote_plus, so a space is %20 whatever the server's parser.
            query = urlencode(params, quote_via=quote)
        except TypeError as error:
            raise NexmoValidationError(
                f"Invalid query parameters for {path}: expected (name, value) string pairs"
            ) from error
        return f"{self._base_url}{path}?{query}"

    def _attempt(self, url: str, path: str, auth: _BearerAuth, deadline: float) -> Any:
        started = time.monotonic()
        attempt = self._watchdog.start(deadline)
        try:
            # urllib3 rejects a timeout of 0 or less, which a late wake-up could produce here.
            budget = max(deadline - started, 0.001)
            response = self._send(url, path, auth, attempt, budget)
            try:
                status = response.status_code
                if 300 <= status < 400:
                    raise self._redirect_error(response, path)
                body = self._read_body(response, path, attempt)
                # A cut can also look like a clean end: headers that stop early parse as a
                # complete head, and a body without Content-Length ends at the shutdown.
                if attempt.expired:
                    raise self._deadline_error(path)
            finally:
                response.close()
        except NexmoApiError as error:
            outcome = f"HTTP {error.status}" if error.status else type(error).__name__
            self._log_attempt(path, outcome, started)
            raise
        except Exception as error:
            # A socket shut down under urllib3 may fail in ways it does not wrap. Past the
            # deadline that is the expected timeout; otherwise it is a bug and propagates.
            if not attempt.expired:
                raise
            self._log_attempt(path, "NexmoTimeoutError", started)
            raise self._deadline_error(path) from error
        finally:
            self._watchdog.finish(attempt)

        self._log_attempt(path, f"HTTP {status}", started)
        if 200 <= status < 300:
            return self._decode_json(body, status, path)
        raise error_from_response(
            status,
            body,
            content_type=response.headers.get("Content-Type"),
            retry_after=response.headers.get("Retry-After"),
            path=path,
        )

    def _send(
        self, url: str, path: str, auth: _BearerAuth, attempt: Attempt, budget: float
    ) -> requests.Response:
        connect_timeout, read_timeout = self._timeout_cap
        # Filled in directly rather than with PreparedRequest.prepare, which would parse and
        # requote a URL built here from checked parts, check constant headers again and build
        # an empty cookie jar, on every call.
        request = requests.PreparedRequest()
        request.method = "GET"
        request.url = url
        request.headers = CaseInsensitiveDict(self._headers)
        auth(request)
        try:
            # The adapter rather than Session.send: Session.send would read the whole body of
            # a 3xx into memory, past the size limit (requests 2.34, resolve_redirects), and
            # would store cookies, which this API does not use.
            return self._adapter.send(
                request,
                stream=True,
                timeout=(min(connect_timeout, budget), min(read_timeout, budget)),
                verify=self._verify,
                proxies=self._proxies,
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            raise self._map_exception(error, path, attempt) from error

    def _read_body(self, response: requests.Response, path: str, attempt: Attempt) -> bytes:
        limit = self._settings.max_response_bytes
        declared = response.headers.get("Content-Length")
        # Transfer-Encoding overrides Content-Length (RFC 9112, section 6.3), so a chunked
        # body is checked only as it arrives.
        chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
        if (
            declared is not None
            and not chunked
            and declared.strip().isascii()
            and declared.strip().isdigit()
            and int(declared) > limit
        ):
            raise NexmoBadResponseError(
                f"GET {self._origin}{path} declared a body of {int(declared)} bytes "
                f"(Content-Length), over the limit of {limit} bytes "
                "(the max_response_bytes setting)",
                status=response.status_code,
            )

        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK_SIZE):
                size += len(chunk)
                if size > limit:
                    raise NexmoBadResponseError(
                        f"GET {self._origin}{path} returned a body that grew past the limit "
                        f"of {limit} bytes (the max_response_bytes setting)",
                        status=response.status_code,
                    )
                if time.monotonic() > attempt.deadline:
                    raise self._deadline_error(path)
                chunks.append(chunk)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            raise self._map_exception(error, path, attempt) from error
        return b"".join(chunks)

    def _decode_json(self, body: bytes, status: int, path: str) -> Any:
        where = f"GET {self._origin}{path}"
        if not body:
            # Never an empty page: an empty body from a proxy would report a user as offline.
            raise NexmoBadResponseError(
                f"{where} returned HTTP {status} with an empty body, expected JSON", status=status
            )
        try:
            # utf-8-sig also accepts a leading byte order mark. The Content-Type is ignored,
            # because JSON is UTF-8 (RFC 8259) and gateways often label it wrongly.
            return json.loads(body.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise NexmoBadResponseError(
                f"{where} returned HTTP {status} with a body that is not UTF-8: {error.reason} "
                f"at byte {error.start}",
                status=status,
            ) from error
        except json.JSONDecodeError as error:
            raise NexmoBadResponseError(
                f"{where} returned HTTP {status} with invalid JSON: {error.msg} at line "
                f"{error.lineno} column {error.colno}",
                status=status,
            ) from error
        except (ValueError, RecursionError) as error:
            # Valid JSON that Python cannot load: an integer past the int-string conversion
            # limit (ValueError) or nesting deeper than the recursion limit.
            raise NexmoBadResponseError(
                f"{where} returned HTTP {status} with JSON that cannot be decoded: "
                f"{type(error).__name__}: {error}",
                status=status,
            ) from error

    def _redirect_error(self, response: requests.Response, path: str) -> NexmoHttpError:
        status = response.status_code
        location = response.headers.get("Location")
        if location is None:
            target = "no Location header"
        else:
            try:
                host = urlsplit(location.strip()).hostname
            except ValueError:
                host = None
            if host is None:
                target = "a location on the same host"
            elif _HOST_PATTERN.fullmatch(host):
                target = f"host {host}"
            else:
                target = "an invalid host"
        # Only the host is named: the full Location may carry a token or a signed query.
        return NexmoHttpError(
            f"GET {self._origin}{path} returned HTTP {status}, a redirect to {target}, which is "
            "not followed; configure the client with the URL of the final host",
            type=ERROR_REDIRECT,
            status=status,
        )

    def _deadline_error(self, path: str) -> NexmoTimeoutError:
        return NexmoTimeoutError(
            f"GET {self._origin}{path} timed out: no complete response within the request "
            f"deadline of {self._settings.request_deadline:g} s (or the end of the total "
            f"deadline of {self._settings.total_deadline:g} s)"
        )

    def _map_exception(self, error: BaseException, path: str, attempt: Attempt) -> NexmoApiError:
        """Return the NexmoApiError for an exception from requests, urllib3 or a socket.

        The caller chains ``error`` as the cause, so its prepared request, whose headers
        contain the token, is dropped from it first.
        """
        if isinstance(error, requests.RequestException):
            error.request = None
            error.response = None
        where = f"GET {self._origin}{path}"
        cause = _describe_cause(error)
        if self._proxy_note:
            cause = f"{cause} ({self._proxy_note})"

        # Whatever the watchdog's shutdown made the worker raise, the cause is the deadline.
        if attempt.expired:
            return self._deadline_error(path)
        if isinstance(error, requests.exceptions.SSLError | urllib3.exceptions.SSLError):
            return NexmoConnectionError(f"{where} failed: TLS error: {cause}", type=ERROR_TLS)
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return NexmoTimeoutError(f"{where} timed out while connecting: {cause}")
        if isinstance(
            error, requests.exceptions.Timeout | urllib3.exceptions.TimeoutError | TimeoutError
        ) or isinstance(
            _innermost_cause(error), urllib3.exceptions.ReadTimeoutError | TimeoutError
        ):
            # iter_content reports a read timeout in the body as a plain ConnectionError.
            return NexmoTimeoutError(f"{where} timed out while waiting for data: {cause}")
        if isinstance(error, requests.exceptions.InvalidHeader | urllib3.exceptions.InvalidHeader):
            # Raised while parsing the response, for example for two different
            # Content-Length values: the request was sent, so this is not a validation error.
            return NexmoBadResponseError(f"{where} returned an invalid response header: {cause}")
        if isinstance(
            error,
            requests.exceptions.InvalidURL
            | requests.exceptions.InvalidSchema
            | requests.exceptions.MissingSchema
            | requests.exceptions.URLRequired
            | urllib3.exceptions.LocationValueError,
        ):
            return NexmoValidationError(f"{where} was not sent: {cause}")
        return NexmoConnectionError(f"{where} failed: {cause}")

    def _log_attempt(self, path: str, outcome: object, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("GET %s -> %s in %.3f s", path, outcome, time.monotonic() - started)
