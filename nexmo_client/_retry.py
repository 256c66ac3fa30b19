"""The retry policy of the HTTP transport: the failed attempts it retries, and the wait before each.

The transport runs its own retry loop rather than urllib3's ``Retry``. In urllib3 2.x
(checked on 2.8) ``Retry`` raises ``MaxRetryError``, which requests turns into ``RetryError``
and so loses the HTTP status. It also raises on an unparseable ``Retry-After``, logs retries
only at DEBUG, honours a ``Retry-After`` of up to six hours by default, and has no deadline
over all attempts.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from nexmo_client._http_settings import HttpSettings
from nexmo_client.errors import (
    ERROR_TLS,
    NexmoApiError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoTimeoutError,
)

# Statuses that gateways and overloaded servers send for a request that may succeed later.
# Any other status, 500 included, is a final response.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


def is_retryable(error: NexmoApiError) -> bool:
    """Return whether a GET that failed with ``error`` may be sent again.

    Timeouts, connection failures and the statuses in ``RETRYABLE_STATUSES`` are retried.
    TLS failures are not, because a certificate does not fix itself between attempts.
    """
    if isinstance(error, NexmoTimeoutError):
        return True
    if isinstance(error, NexmoConnectionError):
        return error.type != ERROR_TLS
    if isinstance(error, NexmoHttpError):
        return error.status in RETRYABLE_STATUSES
    return False


def backoff_delay(
    retry_number: int,
    settings: HttpSettings,
    *,
    random_fraction: Callable[[], float] = random.random,
) -> float:
    """Return a random wait in ``[0, bound)``, where the bound is ``backoff_initial`` doubled
    for each retry after the first, capped at ``backoff_max`` ("full jitter").

    ``retry_number`` counts from 1. ``random_fraction`` returns a float in ``[0, 1)``.
    """
    # The exponent is capped so that a large max_retries cannot overflow the float.
    bound = min(settings.backoff_max, settings.backoff_initial * 2.0 ** min(retry_number - 1, 60))
    return bound * random_fraction()


def plan_retry_wait(
    error: NexmoApiError,
    retry_number: int,
    remaining: float,
    settings: HttpSettings,
    *,
    random_fraction: Callable[[], float] = random.random,
) -> float | None:
    """Return the seconds to wait before retry number ``retry_number``, or ``None`` to stop.

    Stops when ``error`` is not retryable, when the retries are used up, or when the server's
    ``Retry-After`` is longer than ``retry_after_max``. Also stops when the wait would end
    less than a millisecond before the total deadline, which is ``remaining`` seconds away,
    because the next attempt would have no time left. A ``Retry-After`` that
    ``errors.parse_retry_after`` could not parse arrives as ``None``, so the backoff applies.
    """
    if retry_number > settings.max_retries or not is_retryable(error):
        return None

    if error.retry_after is not None:
        if error.retry_after > settings.retry_after_max:
            return None
        wait = error.retry_after
    else:
        wait = backoff_delay(retry_number, settings, random_fraction=random_fraction)

    if wait >= remaining - 0.001:
        return None
    return wait
