"""``NexmoClient``: login, tokens, connection status, users and their sessions.

The client checks arguments, builds request paths, parses JSON into models, and keeps the
token and the connection status. HTTP belongs to ``_http.Transport`` and threads to
``_dispatch.Dispatcher``: every call submits its work there and returns a Future at once.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar
from urllib.parse import quote

from nexmo_client import _arguments, _config, _jwt
from nexmo_client._dispatch import CallbackExecutor, Dispatcher
from nexmo_client._http import HttpSettings, Transport
from nexmo_client._tokens import TokenProvider, TokenStore
from nexmo_client.errors import (
    NexmoApiError,
    NexmoAuthenticationError,
    NexmoNetworkError,
    NexmoNotFoundError,
    NexmoTimeoutError,
    NexmoTokenProviderError,
    NexmoValidationError,
)
from nexmo_client.listener import (
    ConnectionListener,
    ConnectionStatus,
    ConnectionStatusReason,
    RequestListener,
)
from nexmo_client.models import NexmoUser
from nexmo_client.pages import NexmoPageOrder, NexmoUserSessionsPage, UsersPage

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The server's codes for a rejected token, from its 401 error bodies.
EXPIRED_TOKEN_CODE = "system:error:expired-token"  # noqa: S105 - an error code, not a secret
INVALID_TOKEN_CODE = "system:error:invalid-token"  # noqa: S105 - an error code, not a secret
USER_NOT_FOUND_CODE = "user:error:not-found"

# Defaults of the per-attempt limits, in seconds, when no shorter outer limit applies.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 15.0
DEFAULT_REQUEST_DEADLINE = 30.0

# Login reads the users list filtered by name, which normally has one page. A server that
# ignores the filter is walked page by page, up to this many pages of 100 users.
MAX_LOGIN_LOOKUP_PAGES = 20

_Event = tuple[ConnectionListener, ConnectionStatus, ConnectionStatusReason]


class NexmoClient:
    """The entry point of the SDK, as Android's ``NexmoClient``.

    Build it with keyword arguments or with ``NexmoClient.Builder()``, then ``login(token)``
    and call ``get_user_sessions(...)``. Every method may be called from any thread.

    Args:
        rest_environment_host: the Conversation API URL: scheme, host, an optional port and
            an optional path prefix, for a gateway that serves the API under one.
        api_version: ``"v1"`` (the public API) or ``"v0.3"`` (the legacy JavaScript SDK).
        token_provider: a zero-argument callable that returns a new token. It is called
            at most once per call, when the server reports the token expired, and the call
            is then retried once with the new token. It runs on a daemon thread of its own,
            ``nexmo-client-<n>-token-provider``, so that a slow provider holds no call past
            its total deadline.
        callback_executor: where listeners run: None for one dedicated thread per client, a
            ``concurrent.futures.Executor``, or a callable that accepts a zero-argument
            function (for example ``loop.call_soon_threadsafe``).
        max_workers: HTTP worker threads, which is also the connection pool size.
        max_pending_calls: calls queued or running at once; more fail with
            NexmoPendingLimitError.
        connect_timeout, read_timeout: seconds, per HTTP attempt; by default 5 and 15, or
            ``request_deadline`` when that is shorter.
        request_deadline: seconds for one attempt, body included; by default 30, or
            ``total_deadline`` when that is shorter.
        total_deadline: seconds for one call, retries and token renewal included.
        max_retries: retries after a connection failure, a timeout, 429, 502, 503 or 504.
        max_response_bytes: the largest response body accepted.
        verify: TLS verification: True, False, or the path of a CA bundle.
        proxies: a map from scheme to proxy URL, or None.
        trust_env: whether proxy and CA settings are read from the environment.

    Raises:
        TypeError, ValueError: a setting is invalid; the message names it.
    """

    _registry_lock: ClassVar[threading.Lock] = threading.Lock()
    _open_clients: ClassVar[list[NexmoClient]] = []
    _serial_numbers: ClassVar[itertools.count[int]] = itertools.count(1)

    def __init__(
        self,
        rest_environment_host: str = _config.DEFAULT_HOST,
        *,
        api_version: str = "v1",
        token_provider: TokenProvider | None = None,
        callback_executor: CallbackExecutor | None = None,
        max_workers: int = 8,
        max_pending_calls: int = 1000,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        request_deadline: float | None = None,
        total_deadline: float = 60.0,
        max_retries: int = 3,
        max_response_bytes: int = 4 * 1024 * 1024,
        verify: bool | str = True,
        proxies: Mapping[str, str] | None = None,
        trust_env: bool = True,
    ) -> None:
        self._host = _config.check_host(rest_environment_host)
        self._version = _config.check_api_version(api_version)
        provider = _config.check_callable("token_provider", token_provider)
        _config.check_callback_executor(callback_executor)
        workers = _config.check_count("max_workers", max_workers, minimum=1)
        pending = _config.check_count("max_pending_calls", max_pending_calls, minimum=1)
        # A limit left at None follows a shorter outer one, so that total_deadline=10 alone
        # means "give up after 10 s" without also lowering the per-attempt limits.
        total = _config.check_seconds("total_deadline", total_deadline)
        if request_deadline is None:
            request_deadline = min(DEFAULT_REQUEST_DEADLINE, total)
        attempt = _config.check_seconds("request_deadline", request_deadline)
        if connect_timeout is None:
            connect_timeout = min(DEFAULT_CONNECT_TIMEOUT, attempt)
        if read_timeout is None:
            read_timeout = min(DEFAULT_READ_TIMEOUT, attempt)
        settings = HttpSettings(
            connect_timeout=_config.check_seconds("connect_timeout", connect_timeout),
            read_timeout=_config.check_seconds("read_timeout", read_timeout),
            request_deadline=attempt,
            total_deadline=total,
            max_retries=_config.check_count("max_retries", max_retries, minimum=0),
            max_response_bytes=_config.check_count(
                "max_response_bytes", max_response_bytes, minimum=1
            ),
            verify=_config.check_verify(verify),
            proxies=_config.check_proxies(proxies),
            trust_env=_config.check_flag("trust_env", trust_env),
        )

        self.name = f"nexmo-client-{next(NexmoClient._serial_numbers)}"
        self._lock = threading.Lock()
        self._closed = False
        self._tokens = TokenStore(provider)
        self._user: NexmoUser | None = None
        # Grows on every login and logout, so that a login that finishes after a newer
        # login or a logout does not overwrite the newer state.
        self._login_serial = 0
        self._status = ConnectionStatus.DISCONNECTED
        self._status_reason = ConnectionStatusReason.UNKNOWN
        self._connection_listener: ConnectionListener | None = None
        # Status events waiting for delivery, oldest first. Each dispatcher.notify delivers
        # the oldest one, so listeners see the events in the order the status changed even
        # when two threads change it at once.
        self._events: collections.deque[_Event] = collections.deque()

        self._total_deadline = settings.total_deadline
        self._transport = Transport(self._host, settings, pool_size=workers, name=self.name)
        try:
            self._dispatcher = Dispatcher(
                name=self.name,
                max_workers=workers,
                max_pending=pending,
                callback_executor=callback_executor,
            )
        except BaseException:
            self._transport.close()
            raise

        with NexmoClient._registry_lock:
            NexmoClient._open_clients.append(self)
        logger.debug("Client %s built for %s, API %s", self.name, self._host, self._version)

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def get(cls) -> NexmoClient:
        """Return the most recently built client that is not closed, as Android's
        ``NexmoClient.get()``.

        Raises:
            RuntimeError: no client is open.
        """
        with cls._registry_lock:
            if cls._open_clients:
                return cls._open_clients[-1]
        raise RuntimeError(
            "No NexmoClient is open; build one with NexmoClient(...) or "
            "NexmoClient.Builder().build() first"
        )

    def close(self, *, wait: bool = True) -> None:
        """Close the client: cancel queued calls, let running ones finish, stop its threads.

        Each queued call's listener gets one NexmoCancelledError, and so does a call that
        was waiting to retry. Requests already on the wire finish, within their deadline,
        and are delivered. With ``wait=True`` this returns once that is done and every
        thread of the client has ended, except the thread it is called from. With
        ``wait=False`` it returns at once, which suits a UI's quit handler, and the threads
        end by themselves. Idempotent, and safe to call from a listener. Afterwards every
        call raises RuntimeError and ``NexmoClient.get()`` no longer returns this client.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with NexmoClient._registry_lock:
            if self in NexmoClient._open_clients:
                NexmoClient._open_clients.remove(self)
        logger.debug("Client %s closing", self.name)
        # The transport first: closing it ends every wait between retries at once, so the
        # dispatcher does not wait out a backoff or a Retry-After for a closed client.
        self._transport.close()
        self._dispatcher.close(wait=wait)
        if wait:
            # The workers have ended, so no attempt is in flight unless close() runs on a
            # worker; the deadline bounds that attempt, and so this wait.
            self._transport.join(timeout=self._total_deadline)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def __enter__(self) -> NexmoClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        user = self._user.name if self._user is not None else None
        return (
            f"<NexmoClient {self.name} {self._host} api={self._version} "
            f"status={self._status.name} user={user!r} closed={self._closed}>"
        )

    def _check_open(self, method: str) -> None:
        if self._closed:
            raise RuntimeError(f"{method}: {self.name} is closed; build a new NexmoClient")

    # ------------------------------------------------------------------ properties

    @property
    def user(self) -> NexmoUser | None:
        """The logged-in user, or None before login, after logout, or when the token is not
        a JWT whose ``sub`` names a user."""
        return self._user

    @property
    def connection_status(self) -> ConnectionStatus:
        """The current connection status."""
        return self._status

    @property
    def rest_environment_host(self) -> str:
        """The Conversation API host that every request goes to."""
        return self._host

    @property
    def api_version(self) -> str:
        """The API version in every request path: ``v1`` or ``v0.3``."""
        return self._version

    # ------------------------------------------------------------------ connection status

    def set_connection_listener(self, listener: ConnectionListener | None) -> None:
        """Set the receiver of status changes, or None to remove it.

        ``listener.on_connection_status_change(status, reason)`` runs on the callback
        executor, once per change, in the order of the changes. An exception it raises is
        logged with its traceback and does not stop later deliveries.

        Raises:
            TypeError: ``on_connection_status_change`` is missing or not callable.
            RuntimeError: the client is closed.
        """
        self._check_open("set_connection_listener")
        if listener is not None and not callable(
            getattr(listener, "on_connection_status_change", None)
        ):
            raise TypeError(
                f"set_connection_listener: {type(listener).__name__} has no callable "
                "on_connection_status_change; pass a NexmoConnectionListener or None"
            )
        with self._lock:
            self._connection_listener = listener

    def _set_status(
        self,
        status: ConnectionStatus,
        reason: ConnectionStatusReason,
        *,
        login_serial: int | None = None,
    ) -> None:
        """Change the status and queue one event for the connection listener.

        ``login_serial``, when given, drops the change if a newer login or a logout
        happened since. A repeat of the current status and reason is dropped too, except
        for TOKEN_REFRESHED, which reports a distinct event each time.
        """
        with self._lock:
            if login_serial is not None and login_serial != self._login_serial:
                return
            repeat = (status, reason) == (self._status, self._status_reason)
            if repeat and reason is not ConnectionStatusReason.TOKEN_REFRESHED:
                return
            self._status = status
            self._status_reason = reason
            listener = self._connection_listener
            if listener is None:
                return
            self._events.append((listener, status, reason))
        logger.debug("Client %s status %s (%s)", self.name, status.name, reason.name)

        # notify is called outside the lock, because a callback executor that runs
        # functions inline would run the listener under it.
        try:
            self._dispatcher.notify(self._deliver_status_event)
        except RuntimeError:
            logger.debug("Client %s closed, status event %s not delivered", self.name, status.name)

    def _deliver_status_event(self) -> None:
        with self._lock:
            if not self._events:
                return
            listener, status, reason = self._events.popleft()
        try:
            listener.on_connection_status_change(status, reason)
        except Exception:
            logger.exception(
                "Connection listener %r raised for status %s (%s)",
                listener,
                status.name,
                reason.name,
            )

    def _report_failure(self, error: NexmoApiError, login_serial: int | None = None) -> None:
        """Turn a failed call's error into a status change when it shows that the token or the
        network is unusable."""
        expired = isinstance(error, NexmoAuthenticationError) and error.type == EXPIRED_TOKEN_CODE
        if expired or isinstance(error, NexmoTokenProviderError):
            reason = ConnectionStatusReason.TOKEN_EXPIRED
        elif isinstance(error, NexmoAuthenticationError):
            reason = ConnectionStatusReason.TOKEN_INVALID
        elif login_serial is None:
            # Other errors of ordinary calls do not show the state of the connection.
            return
        elif isinstance(error, NexmoNotFoundError) and error.type == USER_NOT_FOUND_CODE:
            reason = ConnectionStatusReason.USER_NOT_FOUND
        elif isinstance(error, NexmoNetworkError):
            reason = ConnectionStatusReason.NETWORK_ERROR
        else:
            reason = ConnectionStatusReason.UNKNOWN
        self._set_status(ConnectionStatus.DISCONNECTED, reason, login_serial=login_serial)

    # ------------------------------------------------------------------ tokens

    def login(
        self, token: str, listener: RequestListener[NexmoUser | None] | None = None
    ) -> Future[NexmoUser | None]:
        """Log in with ``token`` and find the current user, as Android's ``login(jwt)``.

        Stores the token at once, so calls made right after ``login`` use it. The status
        goes to CONNECTING, then CONNECTED with reason LOGIN, or DISCONNECTED with the
        reason of the failure (TOKEN_INVALID, TOKEN_EXPIRED, USER_NOT_FOUND, NETWORK_ERROR
        or UNKNOWN). The user is found by the token's ``sub`` claim through the v1 users list
        filtered by name, and becomes ``client.user``. An opaque token that is not a JWT
        works for every call, but login then resolves with None and ``client.user`` stays
        None. The token's expiry is not checked here: the server decides. A failed login
        keeps the token, so a network error does not log the client out.

        Returns a Future at once. Exactly one of the listener's callbacks runs, once, on
        the callback executor, and then the Future resolves with the user or the error. A
        token that is not a str raises TypeError here. An empty token, or one with spaces or
        control characters, goes to ``on_error`` as a NexmoValidationError, and no request
        is sent. After ``close()`` this raises RuntimeError.

        Android parity: Android reports the login result only through the connection
        listener; here the Future and the listener carry it as well.
        """
        self._check_open("login")
        _arguments.check_listener(listener, method="login")
        if not isinstance(token, str):
            raise TypeError(f"login: token must be a str, got {type(token).__name__}")

        problem = _arguments.token_error(token)
        if problem is not None:
            self._set_status(ConnectionStatus.DISCONNECTED, ConnectionStatusReason.TOKEN_INVALID)
            error = NexmoValidationError(f"login: {problem}; pass the JWT of a user")
            return self._dispatcher.fail(error, listener)
        # Read before any state changes, so nothing is left half-done if reading fails.
        subject = _jwt.read_subject(token)

        with self._lock:
            self._login_serial += 1
            serial = self._login_serial
            self._user = None
        self._tokens.replace(token)
        logger.debug("Client %s login started", self.name)
        self._set_status(ConnectionStatus.CONNECTING, ConnectionStatusReason.LOGIN)

        def work() -> NexmoUser | None:
            try:
                user = self._find_user(subject) if subject is not None else None
            except NexmoApiError as error:
                self._report_failure(error, login_serial=serial)
                raise
            with self._lock:
                if serial == self._login_serial:
                    self._user = user
            self._set_status(
                ConnectionStatus.CONNECTED, ConnectionStatusReason.LOGIN, login_serial=serial
            )
            return user

        return self._dispatcher.submit(work, listener, name="login")

    def _find_user(self, name: str) -> NexmoUser:
        """Find the user with exactly this name through the users list; runs on a worker."""
        # The v1 users list for every api_version, because the public Conversation API v1
        # documents the name filter and the legacy v0.3 paths are not known to have it.
        path = "/v1/users"
        cursor: str | None = None
        deadline = time.monotonic() + self._total_deadline
        for _ in range(MAX_LOGIN_LOOKUP_PAGES):
            params = [("name", name), ("page_size", "100")]
            if cursor is not None:
                params.append(("cursor", cursor))
            page = UsersPage.from_json(self._get_json(path, params, deadline), client=self)
            for user in page.users:
                if user.name == name:
                    return user
            cursor = page.next_cursor
            if cursor is None:
                break
        raise NexmoNotFoundError(
            f"No user is named {name!r}, the sub claim of the token; create the user or log "
            "in with a token for an existing one",
            type=USER_NOT_FOUND_CODE,
        )

    def logout(self) -> None:
        """Clear the token and the user, as Android's ``logout()``.

        The status goes to DISCONNECTED with reason LOGOUT. Calls already sent finish with
        the token they read; calls that start afterwards fail with a NexmoValidationError.

        Raises:
            RuntimeError: the client is closed.
        """
        self._check_open("logout")
        with self._lock:
            self._login_serial += 1
            self._user = None
        self._tokens.replace(None)
        logger.debug("Client %s logged out", self.name)
        self._set_status(ConnectionStatus.DISCONNECTED, ConnectionStatusReason.LOGOUT)

    def update_token(self, token: str) -> None:
        """Replace the token without losing calls in flight.

        Each HTTP attempt reads the current token, so calls already running keep the old
        one for their current attempt and use the new one for any retry. The user is kept:
        the new token must be for the same user. The status goes to CONNECTED with reason
        TOKEN_REFRESHED.

        Raises:
            TypeError: ``token`` is not a str.
            ValueError: ``token`` is empty, contains spaces or control characters, or is a
                JWT whose ``sub`` names another user than the logged-in one.
            RuntimeError: the client is not logged in, or it is closed.
        """
        self._check_open("update_token")
        if not isinstance(token, str):
            raise TypeError(f"update_token: token must be a str, got {type(token).__name__}")
        problem = _arguments.token_error(token)
        if problem is not None:
            raise ValueError(f"update_token: {problem}; pass the JWT of the logged-in user")
        current, _ = self._tokens.snapshot()
        if current is None:
            raise RuntimeError(
                "update_token: the client is not logged in, so call login(token) first"
            )
        # The user is the logged-in one or, while login still looks it up, the subject of
        # the token that login stored.
        user = self._user
        expected = user.name if user is not None else _jwt.read_subject(current)
        subject = _jwt.read_subject(token)
        if expected is not None and subject is not None and subject != expected:
            raise ValueError(
                f"update_token: the token is for the user {subject!r}, but the client is "
                f"logged in as {expected!r}; call login(token) to change the user"
            )

        self._tokens.replace(token)
        logger.debug("Client %s token replaced", self.name)
        self._set_status(ConnectionStatus.CONNECTED, ConnectionStatusReason.TOKEN_REFRESHED)

    def _get_json(
        self, path: str, params: Sequence[tuple[str, str]], deadline: float | None = None
    ) -> Any:
        """GET ``path`` with the current token; runs on a worker.

        When the server reports the token expired, the call is retried once, with a token
        that another call or ``update_token`` stored meanwhile, or else with one from the
        token provider. Every request, and the wait for the provider, fit in one total
        deadline: ``deadline`` (a ``time.monotonic()`` value) or ``total_deadline`` from now.
        """
        if deadline is None:
            deadline = time.monotonic() + self._total_deadline
        token, generation = self._tokens.snapshot()
        if token is None:
            raise NexmoValidationError(
                "No token, because the client was logged out before the request started; "
                "call login(token) first"
            )
        try:
            return self._transport.get_json(path, params, token, deadline=deadline)
        except NexmoAuthenticationError as error:
            if error.type != EXPIRED_TOKEN_CODE:
                self._report_token_failure(error, generation)
                raise
            expired = error

        try:
            token, from_provider = self._tokens.renew_after_expiry(
                generation,
                expired,
                deadline=deadline,
                thread_name=f"{self.name}-token-provider",
            )
        except NexmoApiError as error:
            self._report_token_failure(error, generation)
            raise
        if from_provider:
            self._set_status(ConnectionStatus.CONNECTED, ConnectionStatusReason.TOKEN_REFRESHED)

        _, retry_generation = self._tokens.snapshot()
        if time.monotonic() >= deadline:
            raise NexmoTimeoutError(
                f"GET {path} timed out: the total deadline of {self._total_deadline:g} s "
                "passed while the token was renewed, so the request was not sent again"
            ) from expired
        logger.debug("Client %s retrying %s with a renewed token", self.name, path)
        try:
            return self._transport.get_json(path, params, token, deadline=deadline)
        except NexmoAuthenticationError as error:
            self._report_token_failure(error, retry_generation)
            raise

    def _report_token_failure(self, error: NexmoApiError, generation: int) -> None:
        # A rejection of a token that was replaced since is stale news: the current token
        # may well work, so the status is left alone.
        _, current = self._tokens.snapshot()
        if current == generation:
            self._report_failure(error)

    # ------------------------------------------------------------------ calls

    def _submit(
        self, work: Callable[[], T], listener: RequestListener[T] | None, method: str
    ) -> Future[T]:
        token, _ = self._tokens.snapshot()
        if token is None:
            error = NexmoValidationError(
                f"{method}: no token, because the client is not logged in. Call login(token) first"
            )
            return self._dispatcher.fail(error, listener)
        return self._dispatcher.submit(work, listener, name=method)

    def _user_path(self, user_id: str) -> str:
        # The user id is one path segment: ``/``, ``?``, ``#`` and ``%`` are encoded too.
        return f"/{self._version}/users/{quote(user_id, safe='')}"

    def get_user(
        self, user_id: str, listener: RequestListener[NexmoUser] | None = None
    ) -> Future[NexmoUser]:
        """Fetch one user by id, as Android's ``getUser(userId, listener)``.

        Returns a Future at once, without waiting for the network. Exactly one of
        ``listener.on_success(user)`` or ``listener.on_error(error)`` runs, once, on the
        callback executor (never inside this call), and then the Future resolves with the
        same result or error. A listener without callable ``on_success``/``on_error``, or a
        ``user_id`` that is not a str, raises TypeError here. An empty user id, ``.``,
        ``..``, or no login goes to ``on_error`` as a NexmoValidationError, and no request is
        sent. After ``close()`` this raises RuntimeError.
        """
        method = "get_user"
        self._check_open(method)
        _arguments.check_listener(listener, method=method)
        _arguments.check_user_id_type(user_id, method=method)
        error = _arguments.user_id_error(user_id)
        if error is not None:
            return self._dispatcher.fail(error, listener)

        path = self._user_path(user_id)

        def work() -> NexmoUser:
            return NexmoUser.from_json(self._get_json(path, ()), client=self)

        return self._submit(work, listener, method)

    def get_user_sessions(
        self,
        user_id: str,
        page_size: int = 10,
        order: NexmoPageOrder | str = NexmoPageOrder.ASC,
        listener: RequestListener[NexmoUserSessionsPage] | None = None,
    ) -> Future[NexmoUserSessionsPage]:
        """Fetch the first page of a user's sessions, as Android's ``getUserSessions``.

        A user with no sessions is offline: the call succeeds with an empty page.

        Returns a Future at once, without waiting for the network. Exactly one of
        ``listener.on_success(page)`` or ``listener.on_error(error)`` runs, once, on the
        callback executor (never inside this call), and then the Future resolves with the
        same page or error. TypeError raises here for a listener without callable
        ``on_success``/``on_error``, a ``user_id`` that is not a str, a ``page_size`` that is
        not an int (a bool is not one) or an ``order`` that is not a str. ValueError raises
        here for an order other than asc/desc. An empty user id, ``.``, ``..``, a page size outside
        1..100, or no login goes to ``on_error`` as a NexmoValidationError, and no request
        is sent. After ``close()`` this raises RuntimeError.

        Android parity: the order also accepts ``"asc"`` and ``"desc"``, and the listener
        may be None when the Future is used instead.
        """
        method = "get_user_sessions"
        self._check_open(method)
        _arguments.check_listener(listener, method=method)
        _arguments.check_user_id_type(user_id, method=method)
        _arguments.check_page_size_type(page_size, method=method)
        page_order = _arguments.parse_order(order, method=method)
        error = _arguments.user_id_error(user_id) or _arguments.page_size_error(page_size)
        if error is not None:
            return self._dispatcher.fail(error, listener)
        return self._sessions_page(user_id, page_size, page_order, None, listener, method)

    def _fetch_neighbour_page(
        self,
        page: NexmoUserSessionsPage,
        direction: Literal["next", "prev"],
        cursor: str | None,
        listener: RequestListener[NexmoUserSessionsPage] | None,
    ) -> Future[NexmoUserSessionsPage]:
        """Fetch the page next to ``page``; the body of ``get_next`` and ``get_prev``."""
        method = f"get_{direction}"
        self._check_open(method)
        _arguments.check_listener(listener, method=method)
        if cursor is None:
            error = NexmoValidationError(
                f"{method}: there is no {direction} page; check has_{direction}() first"
            )
            return self._dispatcher.fail(error, listener)
        return self._sessions_page(
            page.user_id, page.page_size, page.order, cursor, listener, method
        )

    def _sessions_page(
        self,
        user_id: str,
        page_size: int,
        order: NexmoPageOrder,
        cursor: str | None,
        listener: RequestListener[NexmoUserSessionsPage] | None,
        method: str,
    ) -> Future[NexmoUserSessionsPage]:
        path = self._user_path(user_id) + "/sessions"
        params = [("page_size", str(page_size)), ("order", order.value)]
        if cursor is not None:
            params.append(("cursor", cursor))

        def work() -> NexmoUserSessionsPage:
            body = self._get_json(path, params)
            return NexmoUserSessionsPage.from_json(
                body, user_id=user_id, page_size=page_size, order=order, client=self
            )

        return self._submit(work, listener, method)

    # ------------------------------------------------------------------ builder

    class Builder:
        """Android's ``NexmoClient.Builder``: one method per setting, then ``build()``.

        Each method returns the builder. The settings are those of :class:`NexmoClient` and
        are checked by ``build()``.
        """

        def __init__(self) -> None:
            self._settings: dict[str, Any] = {}

        def _set(self, name: str, value: object) -> NexmoClient.Builder:
            self._settings[name] = value
            return self

        def rest_environment_host(self, url: str) -> NexmoClient.Builder:
            """Set the Conversation API host, such as ``https://api-eu-1.nexmo.com``."""
            return self._set("rest_environment_host", url)

        def api_version(self, version: str) -> NexmoClient.Builder:
            """Set the API version: ``v1`` or ``v0.3``."""
            return self._set("api_version", version)

        def token_provider(self, provider: TokenProvider | None) -> NexmoClient.Builder:
            """Set the callable that returns a new token after the server reports expiry."""
            return self._set("token_provider", provider)

        def callback_executor(self, executor: CallbackExecutor | None) -> NexmoClient.Builder:
            """Set where listeners run: an Executor or a callable taking a function."""
            return self._set("callback_executor", executor)

        def max_workers(self, count: int) -> NexmoClient.Builder:
            """Set the number of HTTP worker threads."""
            return self._set("max_workers", count)

        def max_pending_calls(self, count: int) -> NexmoClient.Builder:
            """Set the maximum of calls queued or running at once."""
            return self._set("max_pending_calls", count)

        def connect_timeout(self, seconds: float) -> NexmoClient.Builder:
            """Set the connect timeout per attempt, in seconds."""
            return self._set("connect_timeout", seconds)

        def read_timeout(self, seconds: float) -> NexmoClient.Builder:
            """Set the read timeout per attempt, in seconds."""
            return self._set("read_timeout", seconds)

        def request_deadline(self, seconds: float) -> NexmoClient.Builder:
            """Set the deadline of one attempt, body included, in seconds."""
            return self._set("request_deadline", seconds)

        def total_deadline(self, seconds: float) -> NexmoClient.Builder:
            """Set the deadline of one call, retries included, in seconds."""
            return self._set("total_deadline", seconds)

        def max_retries(self, count: int) -> NexmoClient.Builder:
            """Set the maximum of retries per call."""
            return self._set("max_retries", count)

        def max_response_bytes(self, size: int) -> NexmoClient.Builder:
            """Set the largest response body accepted, in bytes."""
            return self._set("max_response_bytes", size)

        def verify(self, verify: bool | str) -> NexmoClient.Builder:
            """Set TLS verification: True, False, or the path of a CA bundle."""
            return self._set("verify", verify)

        def proxies(self, proxies: Mapping[str, str] | None) -> NexmoClient.Builder:
            """Set the map from scheme to proxy URL."""
            return self._set("proxies", proxies)

        def trust_env(self, trust: bool) -> NexmoClient.Builder:
            """Set whether proxy and CA settings are read from the environment."""
            return self._set("trust_env", trust)

        def build(self) -> NexmoClient:
            """Build the client; it becomes what ``NexmoClient.get()`` returns.

            Raises:
                TypeError, ValueError: a setting is invalid; the message names it.
            """
            return NexmoClient(**self._settings)
