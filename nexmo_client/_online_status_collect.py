"""The work behind ``nexmo-online-status``: request many users' first pages at once.

Kept apart from the command line so that the listener logic reads on its own. Nothing here
prints, because :mod:`nexmo_client.online_status` formats the results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from nexmo_client.errors import (
    NexmoApiError,
    NexmoAuthenticationError,
    NexmoBadResponseError,
    NexmoCancelledError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoNotFoundError,
    NexmoPendingLimitError,
    NexmoPermissionError,
    NexmoRateLimitError,
    NexmoServerError,
    NexmoTimeoutError,
    NexmoTokenProviderError,
    NexmoValidationError,
)
from nexmo_client.pages import NexmoPageOrder, NexmoUserSessionsPage

# Short causes for error lines, most specific class first.
_CAUSES: tuple[tuple[type[NexmoApiError], str], ...] = (
    (NexmoNotFoundError, "not found"),
    (NexmoAuthenticationError, "authentication failed"),
    (NexmoPermissionError, "permission denied"),
    (NexmoRateLimitError, "rate limited"),
    (NexmoServerError, "server error"),
    (NexmoHttpError, "HTTP error"),
    (NexmoTimeoutError, "timed out"),
    (NexmoConnectionError, "connection failed"),
    (NexmoBadResponseError, "invalid response"),
    (NexmoValidationError, "invalid request"),
    (NexmoCancelledError, "cancelled"),
    (NexmoPendingLimitError, "too many pending calls"),
    (NexmoTokenProviderError, "token provider failed"),
)


def describe_error(error: NexmoApiError) -> str:
    """Return one line naming the cause, the error code, the HTTP status and the message.

    For example ``not found (user:error:not-found, HTTP 404): User does not exist.``
    Errors never contain the token, so the line is safe to print.
    """
    cause = next((text for cls, text in _CAUSES if isinstance(error, cls)), "failed")
    code = error.type if error.status is None else f"{error.type}, HTTP {error.status}"
    # Collapse line breaks so that each error stays on one line of stderr.
    message = " ".join(str(error.message).split())
    return f"{cause} ({code}): {message}" if message else f"{cause} ({code})"


@attrs.define
class UserStatus:
    """The outcome for one user: sessions counted so far, or the error that ended the count.

    ``more_pages`` is True when only the first page was counted and the server has more.
    """

    user_id: str
    name: str | None = None
    sessions: int = 0
    pages: int = 0
    more_pages: bool = False
    error: NexmoApiError | None = None

    @property
    def online(self) -> bool | None:
        """True when the user has a session, None when the request failed."""
        if self.error is not None:
            return None
        return self.sessions > 0


class _UserPagesListener:
    """Receive one user's pages on the client's callback thread and count their sessions.

    With ``count_all`` it requests each next page from inside ``on_success``: the call only
    submits the request and returns, so the callback thread is never blocked.
    """

    def __init__(self, collector: StatusCollector, status: UserStatus, count_all: bool) -> None:
        self._collector = collector
        self._status = status
        self._count_all = count_all

    def on_success(self, page: NexmoUserSessionsPage) -> None:
        status = self._status
        status.pages += 1
        status.sessions += len(page)
        if status.name is None and page.data:
            status.name = page.data[0].user.name
        if not page.has_next():
            self._collector.finish(status)
            return
        if not self._count_all:
            status.more_pages = True
            self._collector.finish(status)
            return
        self._collector.record_page()
        try:
            page.get_next(self)
        except RuntimeError as error:
            # The client was closed, for example by Ctrl-C, while this user was being walked.
            self.on_error(NexmoCancelledError(f"Stopped before the next page: {error}"))

    def on_error(self, error: NexmoApiError) -> None:
        self._status.error = error
        self._collector.finish(self._status)


class StatusCollector:
    """Collect the statuses of many users whose requests run at the same time.

    Listeners run on the client's callback executor and update the counters under a
    condition variable, so any executor works, including one that runs listeners on several
    threads. Read ``statuses`` only after ``wait`` returned True.
    """

    def __init__(self, user_ids: Iterable[str], names: dict[str, str] | None = None) -> None:
        known_names = names or {}
        self.statuses: dict[str, UserStatus] = {
            user_id: UserStatus(user_id, name=known_names.get(user_id)) for user_id in user_ids
        }
        self._changed = threading.Condition()
        self._remaining = len(self.statuses)
        self._callbacks = 0
        self._finished: set[str] = set()

    def listener_for(self, user_id: str, *, count_all: bool) -> _UserPagesListener:
        """Return the listener that counts ``user_id``'s sessions."""
        return _UserPagesListener(self, self.statuses[user_id], count_all)

    def record_page(self) -> None:
        """Count a callback for a page that is not a user's last, as progress for ``wait``."""
        with self._changed:
            self._callbacks += 1
            self._changed.notify_all()

    def finish(self, status: UserStatus) -> None:
        """Record that ``status`` is final; the listener has already filled it in."""
        with self._changed:
            self._callbacks += 1
            self._remaining -= 1
            self._finished.add(status.user_id)
            self._changed.notify_all()

    def wait(self, idle_timeout: float) -> bool:
        """Block until every user has a result, and return True.

        Returns False instead when no callback came for ``idle_timeout`` seconds while some
        results were missing.

        Each call ends by the client's total deadline, and queued calls start only as running
        ones end, so a gap longer than that deadline means a callback was lost.
        """
        with self._changed:
            while self._remaining:
                seen = self._callbacks
                self._changed.wait(idle_timeout)
                if self._callbacks == seen and self._remaining:
                    return False
        return True

    def unfinished(self) -> list[UserStatus]:
        """Return the users still waiting for a result, in request order.

        With ``count_all`` that includes users whose first pages have arrived but whose last
        page has not.
        """
        with self._changed:
            finished = set(self._finished)
        return [status for status in self.statuses.values() if status.user_id not in finished]


def request_statuses(
    get_user_sessions: Callable[..., Any],
    collector: StatusCollector,
    *,
    page_size: int,
    order: NexmoPageOrder,
    count_all: bool,
) -> None:
    """Submit one ``get_user_sessions`` call per user of the collector, without waiting.

    ``get_user_sessions`` is the client's method. Errors arrive in each user's ``on_error``.
    """
    for user_id in collector.statuses:
        listener = collector.listener_for(user_id, count_all=count_all)
        get_user_sessions(user_id, page_size, order, listener)


@attrs.frozen
class WalkResult:
    """Every session id of one user in page order, and the number of pages walked.

    ``error`` is the failure that ended the walk early, and then ``session_ids`` and
    ``pages`` cover only the pages read before it.
    """

    user_id: str
    session_ids: tuple[str, ...]
    pages: int
    error: NexmoApiError | None = None
