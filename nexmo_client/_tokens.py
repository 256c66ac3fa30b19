"""The client's current token and its renewal through a token provider.

Each HTTP attempt reads the token once, with a generation number that grows on every
replacement. Nothing a request in flight reads is ever mutated: a replacement swaps the
string under a lock, and the next attempt reads the new one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future

from nexmo_client._arguments import token_error
from nexmo_client.errors import NexmoApiError, NexmoTokenProviderError

logger = logging.getLogger(__name__)

TokenProvider = Callable[[], object]


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
        self._renewal: Future[str | NexmoTokenProviderError] | None = None

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

    def renew_after_expiry(self, sent_generation: int, expired: NexmoApiError) -> tuple[str, bool]:
        """Return a token to retry with after the server rejected generation
        ``sent_generation`` as expired, and whether the provider supplied it.

        When another call or ``update_token`` has replaced the token since, the current one
        is returned without asking the provider. Otherwise one caller asks the provider,
        on its own thread, and the others that arrive meanwhile wait for its token.

        Raises:
            NexmoApiError: ``expired`` itself, when there is no provider or the client was
                logged out.
            NexmoTokenProviderError: the provider raised or returned no usable token; it is
                chained to the cause.
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

        if not leader:
            # NOTE: this wait has no timeout, so a provider that never returns blocks every
            # call that waits for it, as it blocks the call that asked it.
            outcome = renewal.result()
            if isinstance(outcome, NexmoTokenProviderError):
                # Each waiting call raises its own error object, because one exception raised
                # in several threads at once would share and overwrite its traceback.
                raise NexmoTokenProviderError(outcome.message) from outcome.__cause__
            return outcome, False

        try:
            token = self._ask_provider(provider, expired)
        except NexmoTokenProviderError as error:
            with self._lock:
                self._renewal = None
            renewal.set_result(error)
            raise

        with self._lock:
            self._token = token
            self._generation += 1
            self._renewal = None
        renewal.set_result(token)
        logger.info("Token renewed by the token provider after the server reported it expired")
        return token, True

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
