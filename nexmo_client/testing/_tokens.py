"""Client JWTs: minting them with the server's application key, and checking them per request."""

from __future__ import annotations

import fnmatch
import math
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEFAULT_CLIENT_ACL: Mapping[str, Any] = {
    "paths": {"/*/users/**": {}, "/*/sessions/**": {}, "/*/conversations/**": {}}
}
"""The ``acl`` claim that the legacy setup guides gave client tokens."""

# Clock skew, in seconds, that the expiry check forgives.
LEEWAY_SECONDS = 1
_MIN_KEY_BITS = 2048

# Error codes, not secrets.
MISSING_TOKEN = "system:error:missing-token"  # noqa: S105
INVALID_TOKEN = "system:error:invalid-token"  # noqa: S105
EXPIRED_TOKEN = "system:error:expired-token"  # noqa: S105
PERMISSION = "system:error:permission"


class TokenRejectedError(Exception):
    """A request's token was missing, invalid, expired (401) or not allowed this path (403)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(status, code, detail)
        self.status = status
        self.code = code
        self.detail = detail


def load_private_key(private_key_pem: bytes | str | None) -> rsa.RSAPrivateKey:
    """Load an unencrypted PEM RSA private key of at least 2048 bits, or generate one for None.

    Raises:
        ValueError: the data is not PEM, not a private key, not RSA, or too short.
        TypeError: the key is encrypted (cryptography raises TypeError for that).
        cryptography.exceptions.UnsupportedAlgorithm: cryptography cannot read the key type.
    """
    if private_key_pem is None:
        return rsa.generate_private_key(public_exponent=65537, key_size=_MIN_KEY_BITS)
    data = private_key_pem.encode("ascii") if isinstance(private_key_pem, str) else private_key_pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"the private key is {type(key).__name__}; RS256 needs an RSA key")
    if key.key_size < _MIN_KEY_BITS:
        raise ValueError(
            f"the RSA key has {key.key_size} bits; use at least {_MIN_KEY_BITS} bits for RS256"
        )
    return key


def _segment_matches(pattern: str, segment: str) -> bool:
    # "*" alone matches any one segment. Other segments may contain shell-style wildcards
    # ("USR-*"), which match within the segment only.
    return pattern == "*" or fnmatch.fnmatchcase(segment, pattern)


def _segments_match(patterns: Sequence[str], segments: Sequence[str]) -> bool:
    if not patterns:
        return not segments
    head = patterns[0]
    if head == "**":
        # "**" matches any number of segments, none included, so "/*/users/**" covers
        # "/v1/users" as well as every path below it.
        return any(
            _segments_match(patterns[1:], segments[skip:]) for skip in range(len(segments) + 1)
        )
    if not segments or not _segment_matches(head, segments[0]):
        return False
    return _segments_match(patterns[1:], segments[1:])


def acl_covers(acl: object, segments: Sequence[str]) -> bool:
    """Return whether an ``acl`` claim allows the path made of these decoded segments."""
    if not isinstance(acl, Mapping):
        return False
    paths = acl.get("paths")
    if not isinstance(paths, Mapping):
        return False
    for pattern in paths:
        if (
            isinstance(pattern, str)
            and pattern.startswith("/")
            and _segments_match(pattern[1:].split("/"), segments)
        ):
            return True
    return False


_TIME_CLAIMS = ("exp", "iat", "nbf")


def _json_type(value: object) -> str:
    """Return the JSON type name of a decoded JSON value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _check_time_claim_types(token: str) -> None:
    """Raise ``jwt.InvalidTokenError`` unless ``exp``, ``iat`` and ``nbf``, where present, are
    finite JSON numbers.

    RFC 7519 makes these NumericDate values, which are JSON numbers. PyJWT 2.15 converts them
    with ``int()`` instead of checking them, so it accepts ``"1750000000"`` and reads ``true``
    as 1, which it then reports as expired. The payload is read here without verifying the
    signature, because only the types are checked. The signed token is verified next.
    """
    payload = jwt.decode(token, options={"verify_signature": False})
    for name in _TIME_CLAIMS:
        if name not in payload:
            continue
        value = payload[name]
        # bool is a subclass of int, and Python's json module reads NaN and Infinity, which
        # JSON itself does not have.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise jwt.InvalidTokenError(
                f"The {name} claim must be a JSON number of seconds, not {_json_type(value)}"
            )
        if not math.isfinite(value):
            raise jwt.InvalidTokenError(f"The {name} claim must be a finite number of seconds")


class TokenAuthority:
    """The application key and id: mints client tokens and checks the ones requests carry.

    Thread-safe: after construction nothing changes, and PyJWT keeps no state between calls.
    """

    def __init__(self, private_key_pem: bytes | str | None, application_id: str | None) -> None:
        self._private_key = load_private_key(private_key_pem)
        self._public_key = self._private_key.public_key()
        self.application_id = application_id or str(uuid.uuid4())

    @property
    def private_key_pem(self) -> bytes:
        """The application's private key, PEM-encoded (PKCS#8, unencrypted)."""
        return self._private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def mint(
        self,
        sub: str,
        *,
        lifetime: float,
        acl: Mapping[str, Any] | None,
        extra_claims: Mapping[str, Any] | None,
    ) -> str:
        """Return an RS256 token for ``sub`` that expires ``lifetime`` seconds from now."""
        if not math.isfinite(lifetime):
            raise ValueError(f"invalid token lifetime {lifetime!r}: expected a finite number")
        now = time.time()
        issued_at = math.floor(now)
        expires_at = math.floor(now + lifetime)
        if lifetime < 0:
            # Past the leeway, so that any negative lifetime is already expired at the server.
            expires_at = min(expires_at, issued_at - LEEWAY_SECONDS - 1)
        claims: dict[str, Any] = {
            "application_id": self.application_id,
            "sub": sub,
            "iat": issued_at,
            "exp": expires_at,
            "jti": str(uuid.uuid4()),
            "acl": dict(DEFAULT_CLIENT_ACL if acl is None else acl),
        }
        claims.update(extra_claims or {})
        return jwt.encode(claims, self._private_key, algorithm="RS256")

    def check(self, authorization: Sequence[str], segments: Sequence[str]) -> Mapping[str, Any]:
        """Verify a request's ``Authorization`` header values and return the token's claims.

        Raises:
            TokenRejectedError: 401 ``missing-token`` without a Bearer token. 401
                ``invalid-token`` for a bad signature, an algorithm other than RS256, a
                malformed token, another application, a missing ``sub`` or ``exp``, or an
                ``exp``, ``iat`` or ``nbf`` that is not a finite JSON number. 401
                ``expired-token`` past ``exp`` plus the leeway. 403 ``permission`` when the
                ``acl`` claim is missing or covers none of the path.
        """
        if not authorization:
            raise TokenRejectedError(401, MISSING_TOKEN, "The request has no Authorization header.")
        if len(authorization) > 1:
            raise TokenRejectedError(
                401, INVALID_TOKEN, "The request has more than one Authorization header."
            )
        scheme, _, token = authorization[0].strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise TokenRejectedError(
                401, MISSING_TOKEN, "The Authorization header holds no Bearer token."
            )

        try:
            _check_time_claim_types(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                self._public_key,
                algorithms=["RS256"],
                options={"require": ["exp", "sub"]},
                leeway=LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejectedError(401, EXPIRED_TOKEN, "The token has expired.") from error
        except jwt.InvalidTokenError as error:
            # PyJWT's message names the failed check (signature, algorithm, claim) and never
            # contains the token itself.
            raise TokenRejectedError(
                401, INVALID_TOKEN, f"The token is invalid: {error}"
            ) from error

        # NOTE: the legacy service limited exp to one day after iat, but this check accepts any
        # lifetime, so a client that mints longer tokens is not caught here.
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise TokenRejectedError(401, INVALID_TOKEN, "The token's sub claim is empty.")
        if claims.get("application_id") != self.application_id:
            raise TokenRejectedError(
                401, INVALID_TOKEN, "The token's application_id is not this application's."
            )
        if not acl_covers(claims.get("acl"), segments):
            raise TokenRejectedError(403, PERMISSION, "The token's acl does not allow this path.")
        return claims
