"""A watchdog thread that enforces the wall-clock deadline of each HTTP attempt.

Socket timeouts bound each ``recv``, not a whole response: a server that sends one byte a
second never trips a 15 s read timeout, and would hold a worker for as long as it keeps
sending. The
watchdog keeps the attempts in flight and, when one passes its deadline, shuts down the socket
of its connection with ``SHUT_RDWR``. The ``recv`` blocked in the worker thread then returns at
once, the attempt fails, and the transport reports it as a timeout because
:attr:`Attempt.expired` is set.

The connection classes of the transport call :func:`bind_current_attempt` when they connect and
when they send a request, on the worker thread. That is how the watchdog learns which socket an
attempt uses, including a pooled keep-alive connection that is reused.

Limits: name resolution (``getaddrinfo``) and the TCP connect itself cannot be interrupted this
way, so they are bounded only by the connect timeout per address tried. A connection is shut
down as soon as it finishes connecting if its attempt expired meanwhile.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from typing import Protocol


class WatchedConnection(Protocol):
    """A connection that the watchdog can cut: urllib3's ``HTTPConnection`` plus one field."""

    sock: object | None
    watched_attempt: Attempt | None


class Attempt:
    """One HTTP attempt with its deadline, a ``time.monotonic()`` value.

    ``expired`` becomes true, once, when the watchdog cuts the attempt. The other fields are
    guarded by the watchdog's lock.
    """

    __slots__ = ("connection", "deadline", "expired", "watchdog")

    def __init__(self, watchdog: DeadlineWatchdog, deadline: float) -> None:
        self.watchdog = watchdog
        self.deadline = deadline
        self.expired = False
        self.connection: WatchedConnection | None = None


_current = threading.local()


def bind_current_attempt(connection: WatchedConnection) -> None:
    """Tie ``connection`` to the attempt that runs on the calling thread, if there is one.

    Called by the connection itself before it connects or sends. A connection returned to
    the pool stays tied to its last attempt until the next attempt binds it, and the watchdog
    cuts a connection only while its own attempt is still bound to it.
    """
    attempt: Attempt | None = getattr(_current, "attempt", None)
    if attempt is not None:
        attempt.watchdog.bind(attempt, connection)


def _shut_down(connection: WatchedConnection) -> None:
    sock = connection.sock
    if not isinstance(sock, socket.socket):
        # NOTE: urllib3's SSLTransport (TLS through an HTTPS proxy) is not a socket, so the
        # deadline cannot cut such a connection; its read timeout still applies.
        return
    # OSError means the worker or the peer already closed the socket, so no recv is waiting on it.
    with contextlib.suppress(OSError):
        # socket.socket.shutdown rather than sock.shutdown: SSLSocket.shutdown also drops its
        # SSL object, which the worker thread may be using at this moment.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class DeadlineWatchdog:
    """Cuts the connection of each attempt that runs past its deadline.

    One daemon thread per watchdog, started at the first attempt, wakes at the earliest
    deadline among the attempts in flight. An attempt that ends in time is simply forgotten,
    so a call costs a few short lock holds and, usually, no wake-up of the thread.
    """

    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._attempts: dict[Attempt, None] = {}
        self._wake_at = math.inf
        self._thread: threading.Thread | None = None
        self._closed = False

    def start(self, deadline: float) -> Attempt:
        """Register an attempt that ends at ``deadline`` and make it the calling thread's.

        The caller must call :meth:`finish` with it, in a ``finally`` block.
        """
        attempt = Attempt(self, deadline)
        with self._lock:
            # Also after close(): an attempt that a call started just before it is cut too.
            self._attempts[attempt] = None
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=self._thread_name, daemon=True
                )
                self._thread.start()
            elif deadline < self._wake_at:
                # The thread sleeps until a later deadline, or without a limit.
                self._wakeup.notify()
        _current.attempt = attempt
        return attempt

    def finish(self, attempt: Attempt) -> None:
        """Stop watching ``attempt``; the calling thread has no attempt afterwards."""
        _current.attempt = None
        with self._lock:
            self._attempts.pop(attempt, None)
            if self._closed and not self._attempts:
                # The last attempt after close(): the thread may end now.
                self._wakeup.notify()

    def bind(self, attempt: Attempt, connection: WatchedConnection) -> None:
        """Record that ``attempt`` uses ``connection``, and cut it at once if already expired."""
        with self._lock:
            attempt.connection = connection
            connection.watched_attempt = attempt
            if attempt.expired:
                _shut_down(connection)

    def close(self) -> None:
        """Let the thread end once no attempt is in flight. Idempotent.

        Attempts in flight are still cut at their deadline, so a client that closes while
        a request drips cannot wait past that request's deadline.
        """
        with self._lock:
            self._closed = True
            self._wakeup.notify()

    def join(self, timeout: float | None = None) -> None:
        """Wait up to ``timeout`` seconds for the thread to end, unless called from it."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        with self._lock:
            while not (self._closed and not self._attempts):
                now = time.monotonic()
                earliest = math.inf
                for attempt in list(self._attempts):
                    if attempt.deadline <= now:
                        self._expire(attempt)
                    else:
                        earliest = min(earliest, attempt.deadline)
                self._wake_at = earliest
                self._wakeup.wait(None if earliest == math.inf else earliest - now)
            # A later start() begins a new thread.
            self._thread = None

    def _expire(self, attempt: Attempt) -> None:
        # Runs with the lock held, so no worker can bind the connection to a new attempt
        # between the ownership check and the shutdown.
        del self._attempts[attempt]
        attempt.expired = True
        connection = attempt.connection
        if connection is not None and connection.watched_attempt is attempt:
            _shut_down(connection)
