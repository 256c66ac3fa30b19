"""Reading a JWT's claims without verifying it.

The client needs only the ``sub`` claim (the user name, to find the current user) and reads
``exp`` for diagnostics. Verifying the signature is the server's job, and decoding by hand
keeps the runtime dependencies to ``requests`` and ``attrs``. Nothing here rejects an expired
token: the client's clock may drift, so the server's 401 decides.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from typing import Any


def read_claims(token: str) -> Mapping[str, Any] | None:
    """Decode the payload of a compact JWT (``header.payload.signature``).

    Returns None for anything that is not a JWT with a JSON object payload, such as an
    opaque token. Never raises for a malformed token.
    """
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None

    # JWT segments are base64url with the ``=`` padding stripped (RFC 7515, section 2), and
    # urlsafe_b64decode insists on the padding, so it is restored here.
    segment = parts[1]
    padded = segment + "=" * (-len(segment) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        claims = json.loads(raw.decode("utf-8"))
    except (UnicodeError, binascii.Error, ValueError, RecursionError):
        # RecursionError: a payload nested deeper than the interpreter's recursion limit.
        return None
    if not isinstance(claims, dict):
        return None
    return claims


def read_subject(token: str) -> str | None:
    """Return the ``sub`` claim of a JWT, or None when the token is opaque or has none."""
    claims = read_claims(token)
    if claims is None:
        return None
    subject = claims.get("sub")
    if isinstance(subject, str) and subject:
        return subject
    return None


def read_expiry(token: str) -> float | None:
    """Return the ``exp`` claim of a JWT as a Unix time, or None when it has none."""
    claims = read_claims(token)
    if claims is None:
        return None
    expiry = claims.get("exp")
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        return None
    if not math.isfinite(expiry):
        return None
    return float(expiry)
