"""Listeners for call results and connection status, shaped like Android's.

Ported Kotlin or Java code subclasses :class:`NexmoRequestListener` and overrides both
``on_success`` and ``on_error``. Python code can pass two callables instead::

    client.get_user_sessions(user_id, 20, "asc",
                             NexmoRequestListener(on_success=show, on_error=report))

The calls accept any object whose ``on_success`` and ``on_error`` are callable, so a class
that does not inherit from :class:`NexmoRequestListener` works too.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import ClassVar, Generic, Protocol, TypeVar

from nexmo_client.errors import NexmoApiError

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class ConnectionStatus(enum.Enum):
    """The client's connection status, as Android's ``NexmoConnectionListener.ConnectionStatus``."""

    CONNECTED = enum.auto()
    CONNECTING = enum.auto()
    DISCONNECTED = enum.auto()
    UNKNOWN = enum.auto()


class ConnectionStatusReason(enum.Enum):
    """The cause of a status change, as Android's ``ConnectionStatusReason``."""

    LOGIN = enum.auto()
    LOGOUT = enum.auto()
    TOKEN_REFRESHED = enum.auto()
    TOKEN_INVALID = enum.auto()
    TOKEN_EXPIRED = enum.auto()
    USER_NOT_FOUND = enum.auto()
    NETWORK_ERROR = enum.auto()
    UNKNOWN = enum.auto()


class RequestListener(Protocol[T_contra]):
    """Any object with the two callbacks of a call: the type that the calls accept."""

    def on_success(self, result: T_contra) -> None: ...

    def on_error(self, error: NexmoApiError) -> None: ...


class ConnectionListener(Protocol):
    """Any object with ``on_connection_status_change``: the type that
    ``set_connection_listener`` accepts."""

    def on_connection_status_change(
        self, status: ConnectionStatus, reason: ConnectionStatusReason
    ) -> None: ...


def _pick_callback(
    listener: object, name: str, given: Callable[..., None] | None, base: type
) -> Callable[..., None] | None:
    """Return the callable passed for ``name``, or None when a subclass overrides ``name``.

    Raises TypeError when neither is the case, so a listener that would lose one of its
    callbacks fails where it is built rather than when the call completes.
    """
    if given is not None:
        if not callable(given):
            raise TypeError(f"{name} must be callable, got {type(given).__name__}: {given!r}")
        return given
    if getattr(type(listener), name) is getattr(base, name):
        raise TypeError(
            f"{type(listener).__name__} needs {name}: pass {name}=<callable> "
            f"or override {name} in a subclass"
        )
    return None


class NexmoRequestListener(Generic[T]):
    """The two callbacks of one call, as Android's ``NexmoRequestListener<T>``.

    Either subclass it and override both methods (the port of an anonymous Kotlin ``object``
    or Java class), or build it from two callables. Exactly one of the two runs, once, on the
    client's callback executor.

    Raises:
        TypeError: a callable is missing or not callable, and the subclass does not
            override the matching method.
    """

    def __init__(
        self,
        on_success: Callable[[T], None] | None = None,
        on_error: Callable[[NexmoApiError], None] | None = None,
    ) -> None:
        self._on_success = _pick_callback(self, "on_success", on_success, NexmoRequestListener)
        self._on_error = _pick_callback(self, "on_error", on_error, NexmoRequestListener)

    def on_success(self, result: T) -> None:
        """Receive the result of a call that succeeded."""
        callback = getattr(self, "_on_success", None)
        if callback is None:
            # Only reachable when a subclass skipped ``__init__`` and did not override this.
            raise TypeError(f"{type(self).__name__} does not implement on_success")
        callback(result)

    def on_error(self, error: NexmoApiError) -> None:
        """Receive the error of a call that failed."""
        callback = getattr(self, "_on_error", None)
        if callback is None:
            raise TypeError(f"{type(self).__name__} does not implement on_error")
        callback(error)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# Module-level names for the annotations inside NexmoConnectionListener, whose nested
# ConnectionStatus and ConnectionStatusReason attributes hide the enums there.
_Status = ConnectionStatus
_Reason = ConnectionStatusReason


class NexmoConnectionListener:
    """The receiver of connection status changes, as Android's ``NexmoConnectionListener``.

    Subclass it and override ``on_connection_status_change``, or build it from a callable:
    ``NexmoConnectionListener(on_connection_status_change=fn)``. The statuses and reasons are
    also reachable as ``NexmoConnectionListener.ConnectionStatus`` and
    ``NexmoConnectionListener.ConnectionStatusReason``, like Android's nested enums.

    Raises:
        TypeError: the callable is missing or not callable, and the subclass does not
            override the method.
    """

    ConnectionStatus: ClassVar[type[_Status]] = _Status
    ConnectionStatusReason: ClassVar[type[_Reason]] = _Reason

    def __init__(
        self,
        on_connection_status_change: (Callable[[_Status, _Reason], None] | None) = None,
    ) -> None:
        self._on_change = _pick_callback(
            self,
            "on_connection_status_change",
            on_connection_status_change,
            NexmoConnectionListener,
        )

    def on_connection_status_change(self, status: _Status, reason: _Reason) -> None:
        """Receive a new connection status and the reason for it."""
        callback = getattr(self, "_on_change", None)
        if callback is None:
            raise TypeError(f"{type(self).__name__} does not implement on_connection_status_change")
        callback(status, reason)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
