"""The client's current token and its renewal through a token provider.

Each HTTP attempt reads the token once, with a generation number that grows on every
replacement. Nothing a request in flight reads is ever mutated: a replacement swaps the
string under a lock, and the next attempt reads the new one.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from nexmo_client._arguments import token_error
from nexmo_client.errors import NexmoApiError, NexmoTimeoutError, NexmoTokenProviderError

logger = logging.getLogger(__name__)

TokenProvider = Callable[[], object]

# A renewal ends with the provider's error, or with its token and whether it was stored.
_RenewalOutcome = tuple[str, bool] | NexmoTokenProviderError


class TokenStore:
    """The current token, its generation, and the single renewal in progress.

    Thread-safe. The lock guards only the fields, and the provider runs outside it.
    """

    def __init__(self, provider: TokenProvider | None) -> None:
        self._provider = provider
        self._lock = threading.Lock()
        self._token: str | None = None
        self._generation = 0
        # The renewal that one call is running, so that calls failing together with an
        # expired token wait for it instead of asking the provider once each.
        self._renewal: Future[_RenewalOutcome] | None = None

    def snapshot(self) -> tuple[str | None, int]:
        """Return the current token (None when logged out) and its generation."""
        with self._lock:
            return self._token, self._generation

    def replace(self, token: str | None) -> int:
        """Store ``token`` (None to clear it) and return its new generation."""
        with self._lock:
            self._token = token
            self._generation += 1
            return self._generation

    def renew_after_expiry(
        self,
        sent_generation: int,
        expired: NexmoApiError,
        *,
        deadline: float,
        thread_name: str,
    ) -> tuple[str, bool]:
        """Return a token to retry with after the server rejected generation
        ``sent_generation`` as expired, and whether the provider supplied it.

        When another call or ``update_token`` has replaced the token since, the current one
        is returned without asking the provider. Otherwise the first caller starts the
        provider on a daemon thread named ``thread_name``, and every caller waits for its
        token until ``deadline`` (a ``time.monotonic()`` value). The provider runs on a
        thread of its own because it is user code that cannot be interrupted. A provider
        that is slow or never returns then delays no call past its deadline, nor ``close()``.
        A token that the provider returns after a logout, a login or an ``update_token``
        is dropped, because the newer state wins.

        Raises:
            NexmoApiError: ``expired`` itself, when there is no provider or the client was
                logged out.
            NexmoTokenProviderError: the provider raised or returned no usable token; it is
                chained to the cause.
            NexmoTimeoutError: the provider had not returned when the deadline passed.
        """
        with self._lock:
            if self._token is None:
                raise expired
            if self._generation != sent_generation:
                return self._token, False
            if self._provider is None:
                raise expired
            leader = self._renewal is None
            if leader:
                self._renewal = Future()
            renewal = self._renewal
            assert renewal is not None
            provider = self._provider

        if leader:
            self._start_provider(provider, expired, renewal, sent_generation, thread_name)
        try:
            outcome = renewal.result(timeout=max(deadline - time.monotonic(), 0.0))
        except concurrent.futures.TimeoutError:
            raise NexmoTimeoutError(
                "The token provider had not returned when the call's total deadline passed, "
                "so the token was not renewed and the request was not sent again"
            ) from expired

        if isinstance(outcome, NexmoTokenProviderError):
            # Each call raises its own error object, because one exception raised in several
            # threads at once would share and overwrite its traceback.
            raise NexmoTokenProviderError(outcome.message) from outcome.__cause__
        token, stored = outcome
        if stored:
            return token, leader
        # The provider's token was dropped for a newer state: retry with that state's token.
        current, _ = self.snapshot()
        if current is None:
            raise expired
        return current, False

    def _start_provider(
        self,
        provider: TokenProvider,
        expired: NexmoApiError,
        renewal: Future[_RenewalOutcome],
        generation: int,
        thread_name: str,
    ) -> None:
        thread = threading.Thread(
            target=self._run_provider,
            args=(provider, expired, renewal, generation),
            name=thread_name,
            daemon=True,
        )
        try:
            thread.start()
        except RuntimeError as error:
            # Python 3.12 and later refuse new threads while the interpreter shuts down.
            with self._lock:
                self._renewal = None
            failure = NexmoTokenProviderError(
                "The token provider could not be started because the interpreter is shutting "
                "down; the call was not retried"
            )
            failure.__cause__ = error
            renewal.set_result(failure)

    def _run_provider(
        self,
        provider: TokenProvider,
        expired: NexmoApiError,
        renewal: Future[_RenewalOutcome],
        generation: int,
    ) -> None:
        try:
            token = self._ask_provider(provider, expired)
        except NexmoTokenProviderError as error:
            with self._lock:
                self._renewal = None
            renewal.set_result(error)
            return

        with self._lock:
            self._renewal = None
            stored = self._generation == generation
            if stored:
                self._token = token
                self._generation += 1
        if stored:
            logger.info("Token renewed by the token provider after the server reported it expired")
        else:
            logger.info(
                "Token from the token provider dropped: the token was replaced or cleared while "
                "the provider ran"
            )
        renewal.set_result((token, stored))

    @staticmethod
    def _ask_provider(provider: TokenProvider, expired: NexmoApiError) -> str:
        try:
            token = provider()
        except Exception as error:
            raise NexmoTokenProviderError(
                f"The token provider raised {type(error).__name__} after the server reported "
                "the token expired; the call was not retried"
            ) from error
        if not isinstance(token, str):
            raise NexmoTokenProviderError(
                f"The token provider returned {type(token).__name__}, not a str token, after "
                "the server reported the token expired; the call was not retried"
            ) from expired
        problem = token_error(token)
        if problem is not None:
            raise NexmoTokenProviderError(
                f"The token provider returned an invalid token ({problem}); "
                "the call was not retried"
            ) from expired
        return token
