"""HttpSettings checks, Transport argument checks and the retry planner; no sockets involved."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pytest

from nexmo_client._http import HttpSettings, Transport
from nexmo_client._retry import backoff_delay, is_retryable, plan_retry_wait
from nexmo_client.errors import (
    ERROR_TLS,
    NexmoBadResponseError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoServerError,
    NexmoTimeoutError,
    NexmoValidationError,
    error_from_response,
)

# HttpSettings


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("connect_timeout", 0),
        ("connect_timeout", -1.0),
        ("connect_timeout", math.nan),
        ("connect_timeout", math.inf),
        ("connect_timeout", True),
        ("connect_timeout", "5"),
        ("read_timeout", 0.0),
        ("request_deadline", -5.0),
        ("total_deadline", 0),
        ("max_retries", -1),
        ("max_retries", 1.5),
        ("max_retries", True),
        ("backoff_initial", -0.1),
        ("backoff_max", math.nan),
        ("retry_after_max", -1.0),
        ("max_response_bytes", 0),
        ("max_response_bytes", 10.0),
        ("verify", ""),
        ("verify", 1),
        ("trust_env", "yes"),
        ("proxies", ["http://proxy"]),
        ("proxies", {"https": ""}),
    ],
)
def test_settings_invalid_value_names_setting(field: str, value: Any) -> None:
    """A bad value raises ValueError naming the setting and showing the value."""
    with pytest.raises(ValueError, match=f"^{field} ") as caught:
        HttpSettings(**{field: value})

    assert "got" in str(caught.value) or "entry" in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"request_deadline": 4.0}, "request_deadline"),
        ({"connect_timeout": 40.0}, "request_deadline"),
        ({"total_deadline": 20.0}, "total_deadline"),
        ({"backoff_initial": 10.0}, "backoff_max"),
    ],
)
def test_settings_inconsistent_limits_rejected(changes: dict[str, Any], named: str) -> None:
    """Deadlines shorter than the timeouts they contain, or backoff_max below backoff_initial, are rejected."""
    with pytest.raises(ValueError, match=f"^{named} "):
        HttpSettings(**changes)


def test_settings_defaults_valid() -> None:
    """The defaults pass their own checks and match the documented values."""
    settings = HttpSettings()

    assert settings.connect_timeout == 5.0
    assert settings.read_timeout == 15.0
    assert settings.request_deadline == 30.0
    assert settings.total_deadline == 60.0
    assert settings.max_retries == 3
    assert settings.max_response_bytes == 4 * 1024 * 1024
    assert settings.verify is True
    assert settings.proxies is None
    assert settings.trust_env is True


def test_settings_proxies_frozen_and_hidden() -> None:
    """Proxies are copied read-only, and the repr hides their URLs and credentials."""
    source = {"https": "http://user:pa55word@proxy.example:3128"}
    settings = HttpSettings(proxies=source)
    source["https"] = "changed"

    assert settings.proxies is not None
    assert settings.proxies["https"] == "http://user:pa55word@proxy.example:3128"
    with pytest.raises(TypeError):
        settings.proxies["http"] = "x"  # type: ignore[index]
    assert "pa55word" not in repr(settings)
    assert "proxy.example" not in repr(settings)
    assert "https" in repr(settings)


def test_settings_frozen() -> None:
    """HttpSettings cannot be changed after creation; attrs.evolve makes a checked copy."""
    settings = HttpSettings()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        settings.max_retries = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="max_retries"):
        attrs.evolve(settings, max_retries=-2)


# Transport arguments


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://api.nexmo.com",
        "api.nexmo.com",
        "http://",
        "https://user:secret@api.nexmo.com",
        "https://api.nexmo.com/?x=1",
        "https://api.nexmo.com/#top",
        "https://api.nexmo.com:99999",
        "https://b\u00fccher.example",
        "https://api.nexmo.com/a path",
    ],
)
def test_transport_invalid_base_url_rejected(base_url: str) -> None:
    """A base URL that is not http(s) with an ASCII host, and nothing else, raises ValueError."""
    with pytest.raises(ValueError, match="base_url"):
        Transport(base_url, HttpSettings(trust_env=False), pool_size=1)


@pytest.mark.parametrize("pool_size", [0, -1, True, 2.0])
def test_transport_invalid_pool_size_rejected(pool_size: Any) -> None:
    """pool_size must be an int of 1 or more."""
    with pytest.raises(ValueError, match="pool_size"):
        Transport("http://127.0.0.1:9", HttpSettings(trust_env=False), pool_size=pool_size)


def test_transport_secret_not_in_password_error() -> None:
    """The error for a base URL with credentials does not repeat them."""
    with pytest.raises(ValueError, match="user name or password") as caught:
        Transport("https://user:secret@api.nexmo.com", HttpSettings(trust_env=False), pool_size=1)

    assert "secret" not in str(caught.value)


def test_transport_environment_proxies_kept_for_remote_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Environment proxies apply to a remote host, and NO_PROXY is honoured; nothing is sent."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with_proxy = Transport("https://api.nexmo.com", HttpSettings(), pool_size=1)
    without_trust = Transport("https://api.nexmo.com", HttpSettings(trust_env=False), pool_size=1)
    monkeypatch.setenv("NO_PROXY", "api.nexmo.com")
    bypassed = Transport("https://api.nexmo.com", HttpSettings(), pool_size=1)
    try:
        assert with_proxy._proxies.get("https") == "http://proxy.invalid:3128"
        assert without_trust._proxies == {}
        assert bypassed._proxies == {}
    finally:
        with_proxy.close()
        without_trust.close()
        bypassed.close()


# The retry planner


def test_backoff_doubles_to_max() -> None:
    """The backoff bound doubles per retry from backoff_initial and stops at backoff_max."""
    settings = HttpSettings(backoff_initial=0.25, backoff_max=1.0)

    bounds = [
        backoff_delay(number, settings, random_fraction=lambda: 1.0) for number in range(1, 6)
    ]

    assert bounds == [0.25, 0.5, 1.0, 1.0, 1.0]


def test_backoff_full_jitter() -> None:
    """The wait is the bound times a random fraction, so it can be zero."""
    settings = HttpSettings(backoff_initial=0.25, backoff_max=8.0)

    assert backoff_delay(3, settings, random_fraction=lambda: 0.0) == 0.0
    assert backoff_delay(3, settings, random_fraction=lambda: 0.5) == 0.5
    assert backoff_delay(1000, settings, random_fraction=lambda: 0.5) == 4.0


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NexmoTimeoutError("timed out"), True),
        (NexmoConnectionError("refused"), True),
        (NexmoConnectionError("bad certificate", type=ERROR_TLS), False),
        (error_from_response(429, b""), True),
        (error_from_response(502, b""), True),
        (error_from_response(503, b""), True),
        (error_from_response(504, b""), True),
        (error_from_response(500, b""), False),
        (error_from_response(400, b""), False),
        (error_from_response(401, b""), False),
        (error_from_response(403, b""), False),
        (error_from_response(404, b""), False),
        (NexmoHttpError("redirect", status=302), False),
        (NexmoBadResponseError("empty"), False),
        (NexmoValidationError("bad token"), False),
    ],
)
def test_is_retryable_by_cause(error: Exception, expected: bool) -> None:
    """Timeouts, connection failures and 429/502/503/504 are retryable; nothing else is."""
    assert is_retryable(error) is expected  # type: ignore[arg-type]


def test_plan_stops_after_max_retries() -> None:
    """No wait is planned once the retry number passes max_retries."""
    settings = HttpSettings(max_retries=2)
    error = NexmoServerError("busy", status=503)

    assert plan_retry_wait(error, 2, 60.0, settings, random_fraction=lambda: 0.5) is not None
    assert plan_retry_wait(error, 3, 60.0, settings, random_fraction=lambda: 0.5) is None


def test_plan_uses_retry_after() -> None:
    """A Retry-After within retry_after_max replaces the backoff; a longer one stops."""
    settings = HttpSettings(retry_after_max=30.0)
    short = error_from_response(429, b"", retry_after="7")
    long = error_from_response(429, b"", retry_after="31")

    assert plan_retry_wait(short, 1, 60.0, settings) == 7.0
    assert plan_retry_wait(long, 1, 60.0, settings) is None


def test_plan_stops_before_total_deadline() -> None:
    """A wait that would reach the total deadline stops the retries."""
    settings = HttpSettings()
    error = error_from_response(503, b"", retry_after="5")

    assert plan_retry_wait(error, 1, 5.0, settings) is None
    assert plan_retry_wait(error, 1, 5.5, settings) == 5.0
