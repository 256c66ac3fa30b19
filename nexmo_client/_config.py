"""Checking the settings that ``NexmoClient`` is built with.

Each check raises TypeError or ValueError with a message that names the setting, the value
and what is accepted, so a bad setting fails where the client is built rather than on the
first call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from urllib.parse import urlsplit

API_VERSIONS = ("v1", "v0.3")
DEFAULT_HOST = "https://api.nexmo.com"


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def check_host(value: object) -> str:
    """Return the REST host URL without a trailing slash.

    Accepts an http or https URL with a host, an optional port and an optional path prefix
    (for a gateway that serves the API under one), and rejects a user name, query or
    fragment.
    """
    setting = "rest_environment_host"
    if not isinstance(value, str):
        raise TypeError(
            f"{setting} must be a str URL such as {DEFAULT_HOST!r}, got {_describe(value)}"
        )
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{setting} {value!r} is not a valid URL: {error}") from error
    del port
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{setting} {value!r} is invalid; pass an http or https URL with a host, "
            f"such as {DEFAULT_HOST!r}"
        )
    if parts.query or parts.fragment or parts.username is not None:
        raise ValueError(
            f"{setting} {value!r} is invalid; pass a URL without a query, fragment or user "
            f"name, such as {DEFAULT_HOST!r}"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def check_api_version(value: object) -> str:
    """Return the API version, or raise unless it is one of ``API_VERSIONS``."""
    if not isinstance(value, str):
        raise TypeError(f"api_version must be a str, one of {API_VERSIONS}, got {_describe(value)}")
    if value not in API_VERSIONS:
        raise ValueError(f"api_version {value!r} is not supported; pass one of {API_VERSIONS}")
    return value


# The maximum timeout or deadline accepted, in seconds (one day). Longer values mean
# "never" in practice, and values near float's range overflow the waits of ``threading``.
MAX_SECONDS = 86_400.0


def check_seconds(setting: str, value: object) -> float:
    """Return a positive, finite number of seconds, at most ``MAX_SECONDS``, as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{setting} must be a number of seconds, got {_describe(value)}")
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        raise ValueError(
            f"{setting} {value!r} is invalid; pass a positive number of seconds, at most "
            f"{MAX_SECONDS:g}"
        )
    return float(value)


def check_count(setting: str, value: object, *, minimum: int) -> int:
    """Return an int of at least ``minimum``; a bool is not accepted."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{setting} must be an int, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{setting} {value!r} is invalid; pass an int of at least {minimum}")
    return value


def check_verify(value: object) -> bool | str:
    """Return the TLS verification setting: a bool, or the path of a CA bundle."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        return value
    raise TypeError(
        f"verify must be True, False or the path of a CA bundle file, got {_describe(value)}"
    )


def check_proxies(value: object) -> Mapping[str, str] | None:
    """Return a copy of the proxy map (scheme to proxy URL), or None."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(
            "proxies must be a mapping such as {'https': 'http://proxy:3128'} or None, "
            f"got {_describe(value)}"
        )
    for key, url in value.items():
        if not isinstance(key, str) or not isinstance(url, str):
            raise TypeError(f"proxies must map str to str, got {key!r}: {url!r}")
    return dict(value)


def check_flag(setting: str, value: object) -> bool:
    """Return a bool setting."""
    if not isinstance(value, bool):
        raise TypeError(f"{setting} must be True or False, got {_describe(value)}")
    return value


def check_callable(setting: str, value: object) -> Callable[..., object] | None:
    """Return a callable setting, or None."""
    if value is not None and not callable(value):
        raise TypeError(f"{setting} must be callable or None, got {_describe(value)}")
    return value


def check_callback_executor(value: object) -> object:
    """Return the callback executor: None, a ``concurrent.futures.Executor`` or a callable
    that accepts a zero-argument function."""
    if value is None or isinstance(value, Executor) or callable(value):
        return value
    raise TypeError(
        "callback_executor must be None, a concurrent.futures.Executor or a callable that "
        f"accepts a zero-argument function, got {_describe(value)}"
    )
