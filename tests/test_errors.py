"""The error tree: classes by status, codes, Retry-After parsing and pickling."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from nexmo_client import errors
from nexmo_client.errors import (
    InvalidParameter,
    NexmoApiError,
    NexmoAuthenticationError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoNotFoundError,
    NexmoPermissionError,
    NexmoRateLimitError,
    NexmoServerError,
    NexmoTimeoutError,
    NexmoValidationError,
    error_from_response,
    parse_retry_after,
)

NOT_FOUND_BODY = (
    b'{"type": "https://developer.nexmo.com/api/conversation#user:error:not-found",'
    b' "title": "Not found.", "code": "user:error:not-found",'
    b' "detail": "User does not exist, or you do not have access.",'
    b' "instance": "2a3b1f0c9d8e7f6a5b4c3d2e1f0a9b8c"}'
)


@pytest.mark.parametrize(
    ("status", "expected_class"),
    [
        (400, NexmoValidationError),
        (401, NexmoAuthenticationError),
        (403, NexmoPermissionError),
        (404, NexmoNotFoundError),
        (409, NexmoHttpError),
        (429, NexmoRateLimitError),
        (500, NexmoServerError),
        (502, NexmoServerError),
        (504, NexmoServerError),
    ],
)
def test_error_class_by_status(status: int, expected_class: type[NexmoApiError]) -> None:
    """Each status maps to its class, and the status is kept."""
    error = error_from_response(status, b"")
    assert type(error) is expected_class
    assert error.status == status


def test_error_body_fields_kept() -> None:
    """The body's code becomes the type, and detail becomes the message."""
    error = error_from_response(404, NOT_FOUND_BODY, content_type="application/json")
    assert error.type == "user:error:not-found"
    assert error.message == "User does not exist, or you do not have access."
    assert error.title == "Not found."
    assert error.instance == "2a3b1f0c9d8e7f6a5b4c3d2e1f0a9b8c"
    assert error.tid is None
    assert error.get_type() == "user:error:not-found"


def test_error_html_body_keeps_status() -> None:
    """A gateway's HTML page still gives the status and a generic type."""
    error = error_from_response(
        502, b"<html><body>Bad Gateway</body></html>", content_type="text/html", path="/v1/users"
    )
    assert isinstance(error, NexmoServerError)
    assert error.status == 502
    assert error.type == errors.ERROR_HTTP
    assert "HTTP 502" in error.message
    assert "text/html" in error.message


def test_error_invalid_parameters_parsed() -> None:
    """A 400 body's invalid_parameters become InvalidParameter values."""
    body = (
        b'{"code": "http:error:validation-fail", "detail": "Input validation failure.",'
        b' "invalid_parameters": [{"name": "page_size", "reason": "must be at most 100"}, 7]}'
    )
    error = error_from_response(400, body)
    assert isinstance(error, NexmoValidationError)
    assert isinstance(error, ValueError)
    assert error.type == "http:error:validation-fail"
    assert error.invalid_parameters == (InvalidParameter("page_size", "must be at most 100"),)


def test_error_invalid_utf8_body() -> None:
    """A body that is not UTF-8 does not hide the status."""
    error = error_from_response(503, b"\xff\xfe\x00garbage", retry_after="7")
    assert error.status == 503
    assert error.retry_after == 7.0


def test_error_pickles_with_fields() -> None:
    """Pickling keeps the class and every field, including for OSError subclasses."""
    original = error_from_response(404, NOT_FOUND_BODY)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is NexmoNotFoundError
    assert copy.type == original.type
    assert copy.status == 404
    assert copy.detail == original.detail
    assert str(copy) == str(original)

    timeout = NexmoTimeoutError("read timed out for /v1/users", status=None)
    timeout_copy = pickle.loads(pickle.dumps(timeout))
    assert type(timeout_copy) is NexmoTimeoutError
    assert timeout_copy.type == errors.ERROR_TIMEOUT
    assert timeout_copy.message == "read timed out for /v1/users"


def test_error_builtin_bases() -> None:
    """Network errors are also the matching built-in exceptions."""
    assert isinstance(NexmoTimeoutError("x"), TimeoutError)
    assert isinstance(NexmoConnectionError("x"), ConnectionError)
    assert isinstance(NexmoPermissionError("x", status=403), PermissionError)
    assert NexmoConnectionError("x").type == errors.ERROR_CONNECTION


def test_error_str_names_type_and_status() -> None:
    """str() shows the message, the type and the status."""
    error = error_from_response(404, NOT_FOUND_BODY)
    assert str(error) == (
        "User does not exist, or you do not have access. [user:error:not-found, HTTP 404]"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  12 ", 12.0),
        ("0", 0.0),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("99999999", errors.MAX_RETRY_AFTER_SECONDS),
    ],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    """Delay seconds parse, capped; anything else is ignored."""
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    """An HTTP date gives the seconds from now, and a past date gives zero."""
    now = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2026, 12, 4, 12, 0, 30, tzinfo=UTC), usegmt=True)
    earlier = format_datetime(datetime(2026, 12, 4, 11, 0, 0, tzinfo=UTC), usegmt=True)
    assert parse_retry_after(later, now=now) == 30.0
    assert parse_retry_after(earlier, now=now) == 0.0


def test_retry_after_non_ascii_digit_ignored() -> None:
    """A digit that str.isdigit() accepts but float() rejects is ignored."""
    assert parse_retry_after("\xb2") is None


def test_error_deeply_nested_body_keeps_status() -> None:
    """A body nested past the recursion limit still gives the status."""
    error = error_from_response(400, b"[" * 200_000)
    assert isinstance(error, NexmoValidationError)
    assert error.status == 400
    assert error.type == errors.ERROR_HTTP
