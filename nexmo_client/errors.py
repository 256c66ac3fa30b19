"""Errors that calls deliver to ``on_error`` and raise from their Futures.

Every error is a :class:`NexmoApiError`, so ported Android code keeps a single ``on_error``,
while Python code can tell causes apart with ``isinstance``::

    NexmoApiError(Exception)
    ├── NexmoValidationError(ValueError)        error:validation, or the server's 400 codes
    ├── NexmoNetworkError                       no usable HTTP response
    │   ├── NexmoConnectionError(ConnectionError)   error:network:connection, error:network:tls
    │   └── NexmoTimeoutError(TimeoutError)         error:network:timeout
    ├── NexmoBadResponseError                   error:bad-response
    ├── NexmoHttpError                          any other HTTP status; ``status`` is set
    │   ├── NexmoAuthenticationError            401
    │   ├── NexmoPermissionError(PermissionError)   403
    │   ├── NexmoNotFoundError(LookupError)     404
    │   ├── NexmoRateLimitError                 429
    │   └── NexmoServerError                    5xx
    ├── NexmoCancelledError                     error:cancelled
    ├── NexmoPendingLimitError                  error:pending-limit
    └── NexmoTokenProviderError                 error:token-provider

``type`` is never ``None``. Errors that come from the server carry the ``code`` of its error
body; errors that the client detects itself carry one of the ``ERROR_*`` codes below. A 400
from the server becomes a :class:`NexmoValidationError` with the server's code and ``status``
400, so one ``isinstance`` check covers bad input found on either side.

No error's ``str()``, ``repr()`` or pickled form contains the token: errors are built from
the response and the request path only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import attrs

ERROR_VALIDATION = "error:validation"
ERROR_CONNECTION = "error:network:connection"
ERROR_TLS = "error:network:tls"
ERROR_TIMEOUT = "error:network:timeout"
ERROR_BAD_RESPONSE = "error:bad-response"
ERROR_HTTP = "error:http"
ERROR_REDIRECT = "error:http:redirect"
ERROR_CANCELLED = "error:cancelled"
ERROR_PENDING_LIMIT = "error:pending-limit"
ERROR_TOKEN_PROVIDER = "error:token-provider"  # noqa: S105 - an error code, not a secret
ERROR_INTERNAL = "error:internal"

# The longest Retry-After, in seconds, that an error reports. A Retry-After of hours from a
# proxy is reported as this long, and the retry loop applies its own, lower cap.
MAX_RETRY_AFTER_SECONDS = 3600.0


@attrs.frozen
class InvalidParameter:
    """One entry of a 400 body's ``invalid_parameters``: the parameter name and the reason."""

    name: str
    reason: str


class NexmoApiError(Exception):
    """An error from a call: the Python form of Android's ``NexmoApiError``.

    Attributes:
        type: the error code, for example ``user:error:not-found`` from the server or
            ``error:network:timeout`` from the client (Android's ``getType()``).
        message: a sentence for people (Android's ``getMessage()``).
        tid: the transaction id of Android's API, which this port never has, so ``None``.
        conversation_id: Android's conversation id, ``None`` for user and session calls.
        status: the HTTP status, or ``None`` when no response arrived.
        title, detail, instance: the fields of the server's error body, when there was one.
        invalid_parameters: the parameters a 400 body named, as :class:`InvalidParameter`.
        retry_after: seconds the server asked the client to wait, from ``Retry-After``.
    """

    default_type = ERROR_HTTP

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        instance: str | None = None,
        invalid_parameters: tuple[InvalidParameter, ...] = (),
        retry_after: float | None = None,
        tid: str | None = None,
        conversation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type or self.default_type
        self.status = status
        self.title = title
        self.detail = detail
        self.instance = instance
        self.invalid_parameters = tuple(invalid_parameters)
        self.retry_after = retry_after
        self.tid = tid
        self.conversation_id = conversation_id

    def _keywords(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "status": self.status,
            "title": self.title,
            "detail": self.detail,
            "instance": self.instance,
            "invalid_parameters": self.invalid_parameters,
            "retry_after": self.retry_after,
            "tid": self.tid,
            "conversation_id": self.conversation_id,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles only ``args``, which would drop the keyword-only fields, and the
        # OSError subclasses below would read ``args`` as (errno, strerror).
        return (_rebuild_error, (type(self), self.message, self._keywords()), self.__dict__)

    def __str__(self) -> str:
        if self.status is None:
            return f"{self.message} [{self.type}]"
        return f"{self.message} [{self.type}, HTTP {self.status}]"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, type={self.type!r}, status={self.status!r})"
        )

    # Android-shaped getters, so that ported code such as ``error.getType()`` translates
    # mechanically to ``error.get_type()``.
    def get_type(self) -> str:
        """Return the error code, as Android's ``getType()``."""
        return self.type

    def get_message(self) -> str:
        """Return the message, as Android's ``getMessage()``."""
        return self.message

    def get_tid(self) -> str | None:
        """Return the transaction id, as Android's ``getTid()``: always ``None`` here."""
        return self.tid

    def get_conversation_id(self) -> str | None:
        """Return the conversation id, as Android's ``getConversationId()``."""
        return self.conversation_id


def _rebuild_error(
    cls: type[NexmoApiError], message: str, keywords: dict[str, Any]
) -> NexmoApiError:
    error = cls.__new__(cls)
    NexmoApiError.__init__(error, message, **keywords)
    return error


class NexmoValidationError(NexmoApiError, ValueError):
    """Invalid input, found by the client before sending or reported by the server as 400."""

    default_type = ERROR_VALIDATION


class NexmoNetworkError(NexmoApiError):
    """No usable HTTP response: the connection failed, broke or timed out."""

    default_type = ERROR_CONNECTION


class NexmoConnectionError(NexmoNetworkError, ConnectionError):
    """The connection could not be made, was refused, reset or closed, or TLS failed."""

    default_type = ERROR_CONNECTION


class NexmoTimeoutError(NexmoNetworkError, TimeoutError):
    """The connect timeout, the read timeout or the request deadline passed."""

    default_type = ERROR_TIMEOUT


class NexmoBadResponseError(NexmoApiError):
    """A response that cannot be used: an empty 2xx body, invalid JSON, a missing field or a
    body over the size limit. An empty body is never read as an empty page."""

    default_type = ERROR_BAD_RESPONSE


class NexmoHttpError(NexmoApiError):
    """An HTTP error status that no more specific class covers, or a redirect."""

    default_type = ERROR_HTTP


class NexmoAuthenticationError(NexmoHttpError):
    """401: the token is missing, invalid or expired."""


class NexmoPermissionError(NexmoHttpError, PermissionError):
    """403: the token's ACL does not cover the requested path."""


class NexmoNotFoundError(NexmoHttpError, LookupError):
    """404: the user or the path does not exist."""


class NexmoRateLimitError(NexmoHttpError):
    """429: the server or a gateway asked the client to slow down."""


class NexmoServerError(NexmoHttpError):
    """A 5xx status from the server or from a gateway in front of it."""


class NexmoCancelledError(NexmoApiError):
    """The call was cancelled by its caller or by ``close()`` before its request started."""

    default_type = ERROR_CANCELLED


class NexmoPendingLimitError(NexmoApiError):
    """The client already had its maximum of pending calls, so this one was not queued."""

    default_type = ERROR_PENDING_LIMIT


class NexmoTokenProviderError(NexmoApiError):
    """The token provider raised or returned no token after the server rejected the token."""

    default_type = ERROR_TOKEN_PROVIDER


_CLASS_BY_STATUS: Mapping[int, type[NexmoHttpError]] = {
    401: NexmoAuthenticationError,
    403: NexmoPermissionError,
    404: NexmoNotFoundError,
    429: NexmoRateLimitError,
}


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header into seconds from now.

    Accepts delay seconds and HTTP dates (RFC 9110, section 10.2.3). Returns ``None`` for a
    missing or unparseable value, 0.0 for a date in the past, and at most
    ``MAX_RETRY_AFTER_SECONDS``. ``now`` is a Unix time, for tests.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    # isascii: str.isdigit() is also true for digits such as "²" that float() rejects.
    if text.isascii() and text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    if now is None:
        import time

        now = time.time()
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER_SECONDS)


def _text_field(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def _invalid_parameters(body: Mapping[str, Any]) -> tuple[InvalidParameter, ...]:
    entries = body.get("invalid_parameters")
    if not isinstance(entries, list):
        return ()
    parameters = []
    for entry in entries:
        if isinstance(entry, Mapping):
            parameters.append(
                InvalidParameter(
                    name=str(entry.get("name", "")), reason=str(entry.get("reason", ""))
                )
            )
    return tuple(parameters)


def error_from_response(
    status: int,
    body: bytes,
    *,
    content_type: str | None = None,
    retry_after: str | None = None,
    path: str = "",
) -> NexmoApiError:
    """Build the error for an HTTP error response.

    The class comes from the status and the ``type`` from the body's ``code``. A body that is
    not JSON, or JSON without a ``code`` (an HTML page from a gateway, an empty 502), still
    gives an error with the status, ``type`` ``error:http`` and a message that names the
    status, so a decode failure never hides it. ``path`` is the request path, used in the
    message; it must not contain the token.
    """
    parsed: Any = None
    if body:
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):
            # UnicodeDecodeError and JSONDecodeError are ValueErrors, and so is an integer
            # past Python's int-string conversion limit; a deeply nested body recurses.
            parsed = None
    fields: Mapping[str, Any] = parsed if isinstance(parsed, Mapping) else {}

    code = _text_field(fields, "code")
    title = _text_field(fields, "title")
    detail = _text_field(fields, "detail") or _text_field(fields, "description")
    where = f" for {path}" if path else ""
    if detail:
        message = detail
    elif title:
        message = title
    else:
        kind = "JSON" if fields else (content_type or "no content type")
        message = f"HTTP {status}{where}, with a body that is not an error object ({kind})"

    cls: type[NexmoApiError]
    if status == 400:
        cls = NexmoValidationError
    elif status in _CLASS_BY_STATUS:
        cls = _CLASS_BY_STATUS[status]
    elif 500 <= status <= 599:
        cls = NexmoServerError
    else:
        cls = NexmoHttpError

    return cls(
        message,
        type=code or ERROR_HTTP,
        status=status,
        title=title,
        detail=detail,
        instance=_text_field(fields, "instance"),
        invalid_parameters=_invalid_parameters(fields),
        retry_after=parse_retry_after(retry_after),
    )
