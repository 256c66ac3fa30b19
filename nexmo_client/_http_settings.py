"""Timeouts, retry limits, TLS and proxy settings of the HTTP transport.

:class:`HttpSettings` is re-exported by :mod:`nexmo_client._http`. It is kept apart so that the
retry planner can use it without importing ``requests``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs


def _check_seconds(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        accepted = "0 or more" if allow_zero else "more than 0"
        raise ValueError(f"{name} must be {accepted} seconds, got {value!r}")


def _check_count(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, got {value!r}")


def _freeze_proxies(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(
            f"proxies must be a mapping such as {{'https': 'http://proxy:3128'}} "
            f"or None, got {type(value).__name__}"
        )
    for key, url in value.items():
        if not isinstance(key, str) or not isinstance(url, str) or not key or not url:
            raise ValueError(
                "proxies must map a scheme (or 'scheme://host') to a proxy URL, "
                f"both non-empty strings, got the entry {key!r}: {url!r}"
            )
    return MappingProxyType(dict(value))


@attrs.frozen
class HttpSettings:
    """Settings of one :class:`~nexmo_client._http.Transport`; all times are in seconds.

    Every value is checked when the object is built, and a bad value raises ``ValueError``
    that names the setting, the value and the accepted range.

    Attributes:
        connect_timeout: time to open a connection, per attempt.
        read_timeout: maximum gap between two received bytes, per attempt.
        request_deadline: wall-clock limit of one attempt, status line, headers and body
            included. At least ``connect_timeout`` and ``read_timeout``.
        total_deadline: wall-clock limit of all attempts and the waits between them. At
            least ``request_deadline``.
        max_retries: retries after the first attempt, 0 or more.
        backoff_initial: upper bound of the random wait before the first retry. The bound
            doubles for each later retry, up to ``backoff_max`` ("full jitter").
        backoff_max: upper bound of any backoff wait, at least ``backoff_initial``.
        retry_after_max: the longest ``Retry-After`` that is honoured. A longer one stops the
            retries and the error is raised with its ``retry_after``.
        max_response_bytes: largest accepted response body, after content decoding.
        verify: ``True`` to verify TLS certificates with the default CA bundle, ``False`` to
            skip verification, or the path of a CA bundle file or directory. A path given
            here wins over ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE``.
        proxies: proxy URLs by scheme, in the form ``requests`` takes. ``None`` means the
            proxies of the environment when ``trust_env`` is true.
        trust_env: read proxies (``HTTPS_PROXY``, ``NO_PROXY``, ...) and the CA bundle
            variables from the environment once, when the transport is created. Environment
            proxies are never used for loopback hosts. ``~/.netrc`` is never read.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    request_deadline: float = 30.0
    total_deadline: float = 60.0
    max_retries: int = 3
    backoff_initial: float = 0.25
    backoff_max: float = 8.0
    retry_after_max: float = 30.0
    max_response_bytes: int = 4 * 1024 * 1024
    verify: bool | str = True
    proxies: Mapping[str, str] | None = attrs.field(default=None, converter=_freeze_proxies)
    trust_env: bool = True

    def __attrs_post_init__(self) -> None:
        _check_seconds("connect_timeout", self.connect_timeout, allow_zero=False)
        _check_seconds("read_timeout", self.read_timeout, allow_zero=False)
        _check_seconds("request_deadline", self.request_deadline, allow_zero=False)
        _check_seconds("total_deadline", self.total_deadline, allow_zero=False)
        _check_seconds("backoff_initial", self.backoff_initial, allow_zero=True)
        _check_seconds("backoff_max", self.backoff_max, allow_zero=True)
        _check_seconds("retry_after_max", self.retry_after_max, allow_zero=True)
        _check_count("max_retries", self.max_retries, minimum=0)
        _check_count("max_response_bytes", self.max_response_bytes, minimum=1)

        longest_timeout = max(self.connect_timeout, self.read_timeout)
        if self.request_deadline < longest_timeout:
            raise ValueError(
                f"request_deadline must be at least connect_timeout and "
                f"read_timeout ({longest_timeout!r} s), got {self.request_deadline!r}"
            )
        if self.total_deadline < self.request_deadline:
            raise ValueError(
                f"total_deadline must be at least request_deadline "
                f"({self.request_deadline!r} s), got {self.total_deadline!r}"
            )
        if self.backoff_max < self.backoff_initial:
            raise ValueError(
                f"backoff_max must be at least backoff_initial "
                f"({self.backoff_initial!r} s), got {self.backoff_max!r}"
            )

        if not isinstance(self.verify, bool | str) or self.verify == "":
            raise ValueError(
                f"verify must be True, False or the path of a CA bundle, got {self.verify!r}"
            )
        if not isinstance(self.trust_env, bool):
            raise ValueError(f"trust_env must be a bool, got {self.trust_env!r}")

    def __repr__(self) -> str:
        # Proxy URLs may carry a user name and password, so the repr shows only the schemes.
        fields: dict[str, Any] = attrs.asdict(self, recurse=False)
        if self.proxies is not None:
            fields["proxies"] = {key: "..." for key in self.proxies}
        inner = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"HttpSettings({inner})"
