"""Tests of reading a token's claims without verifying it."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from nexmo_client import _jwt


def _segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned_token(claims: object) -> str:
    header = _segment(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _segment(json.dumps(claims).encode())
    return f"{header}.{payload}.c2lnbmF0dXJl"


def test_read_subject_signed_rs256() -> None:
    """The sub claim of a real RS256 token is read without the key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"sub": "alice", "exp": int(time.time()) + 60}, key, algorithm="RS256")

    assert _jwt.read_subject(token) == "alice"


@pytest.mark.parametrize("length", range(1, 9))
def test_read_subject_every_padding_length(length: int) -> None:
    """Payloads whose base64 needs 0, 1 or 2 padding characters all decode."""
    name = "u" * length

    assert _jwt.read_subject(_unsigned_token({"sub": name})) == name


def test_read_subject_url_safe_alphabet() -> None:
    """A payload whose encoding contains '-' and '_' decodes."""
    name = "\u00ff\u00fe>>??"
    token = _unsigned_token({"sub": name})
    payload = token.split(".")[1]

    assert "-" in payload or "_" in payload
    assert _jwt.read_subject(token) == name


def test_read_subject_expired_token() -> None:
    """An expired token still yields its subject: the server decides about expiry."""
    token = _unsigned_token({"sub": "bob", "exp": 1})

    assert _jwt.read_subject(token) == "bob"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "opaque-token",
        "a.b",
        "a.b.c.d",
        "header..signature",
        "header.!!!!.signature",
        f"x.{_segment(b'not json')}.y",
        f"x.{_segment(b'[1, 2]')}.y",
        f"x.{_segment(bytes([0xFF, 0xFE]))}.y",
    ],
)
def test_read_claims_not_a_jwt(token: str) -> None:
    """Anything but a JWT with a JSON object payload returns None, without raising."""
    assert _jwt.read_claims(token) is None


@pytest.mark.parametrize("subject", [None, "", 42, ["alice"]])
def test_read_subject_missing_or_mistyped(subject: object) -> None:
    """A sub claim that is absent, empty or not a string returns None."""
    claims = {} if subject is None else {"sub": subject}

    assert _jwt.read_subject(_unsigned_token(claims)) is None


def test_read_expiry_number() -> None:
    """The exp claim is returned as a float."""
    assert _jwt.read_expiry(_unsigned_token({"exp": 1700000000})) == 1700000000.0


@pytest.mark.parametrize("expiry", [None, "1700000000", True])
def test_read_expiry_missing_or_mistyped(expiry: object) -> None:
    """An exp claim that is absent, a string or a bool returns None."""
    claims = {} if expiry is None else {"exp": expiry}

    assert _jwt.read_expiry(_unsigned_token(claims)) is None


def test_claims_nested_past_recursion_limit() -> None:
    """A payload nested deeper than the recursion limit reads as no claims."""
    payload = base64.urlsafe_b64encode(b"[" * 5000).rstrip(b"=").decode("ascii")
    assert _jwt.read_claims(f"e30.{payload}.sig") is None
