"""HTTP responses as values, and the API's error bodies (RFC 7807-like, as the real service)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

DOCUMENTATION_URL = "https://developer.nexmo.com/api/conversation"

VALIDATION_FAIL = "http:error:validation-fail"
INVALID_CURSOR = "paginator-builder:error:invalid-cursor"
USER_NOT_FOUND = "user:error:not-found"
PATH_NOT_FOUND = "http:error:not-found"
METHOD_NOT_ALLOWED = "http:error:method-not-allowed"
BAD_REQUEST = "http:error:bad-request"
INTERNAL_ERROR = "system:error:internal-error"

_TITLES = {
    400: "Bad request.",
    401: "Unauthorized.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    500: "Internal error.",
}
_CODE_TITLES = {
    VALIDATION_FAIL: "Input validation failure.",
    INVALID_CURSOR: "Invalid cursor.",
}


@dataclass(frozen=True, slots=True)
class Response:
    """A complete response: status, headers (without Content-Length and Date) and body."""

    status: int
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""
    close: bool = field(default=False)


def json_response(status: int, document: Any, headers: Sequence[tuple[str, str]] = ()) -> Response:
    """Return a response whose body is ``document`` as compact UTF-8 JSON."""
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, (("Content-Type", "application/json"), *headers), body)


def new_request_id() -> str:
    """Return a random request id, 32 hex digits, as the service puts in ``instance``."""
    return secrets.token_hex(16)


class ApiError(Exception):
    """An error that the API sends as an error body, raised inside request handling."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        invalid_parameters: Sequence[tuple[str, str]] = (),
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(status, code, detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.invalid_parameters = tuple(invalid_parameters)
        self.headers = tuple(headers)

    def to_response(self) -> Response:
        """Return the error body response, with a fresh request id in ``instance``."""
        document: dict[str, Any] = {
            "type": f"{DOCUMENTATION_URL}#{self.code}",
            "title": _CODE_TITLES.get(self.code) or _TITLES.get(self.status, "Error."),
            "code": self.code,
            "detail": self.detail,
            "instance": new_request_id(),
        }
        if self.invalid_parameters:
            document["invalid_parameters"] = [
                {"name": name, "reason": reason} for name, reason in self.invalid_parameters
            ]
        return json_response(self.status, document, self.headers)
