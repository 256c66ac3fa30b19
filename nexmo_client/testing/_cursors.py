"""Opaque, tamper-evident page cursors.

A cursor is standard base64 (with ``+``, ``/`` and ``=`` padding) of::

    MAGIC (3 bytes) | payload length (2 bytes, big-endian) | JSON payload | HMAC-SHA256 | filler

The magic bytes encode as ``++//``, and the filler byte, added when needed, makes the length
not a multiple of three, so every cursor contains ``+``, ``/`` and ``=``. That way a client
that forgets to percent-encode the cursor as a query value fails at once with an invalid
cursor, instead of only on the pages whose cursor happens to contain those characters.

The HMAC key is a per-server secret, so a cursor from another server, or one that was changed
in any byte, is rejected. The payload binds the cursor to the list it came from (the scope:
a user's sessions or the users list with its filter), the order and the page size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from nexmo_client.testing._pagination import Direction, Order

# 0xFB 0xEF 0xFF is 111110 111110 111111 111111 in sextets, which base64 writes as "++//".
_MAGIC = b"\xfb\xef\xff"
_FILLER = b"\x00"
_MAC_SIZE = hashlib.sha256().digest_size


class InvalidCursorError(ValueError):
    """A cursor that this server did not issue, or issued for another list."""


@dataclass(frozen=True, slots=True)
class CursorState:
    """The content of a cursor: the list, order and page size it belongs to, and its position."""

    scope: str
    order: Order
    page_size: int
    direction: Direction
    anchor: tuple[int, ...]
    inclusive: bool = False


class CursorCodec:
    """A cursor encoder and decoder with one HMAC secret. Thread-safe: it has no mutable state."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret if secret is not None else secrets.token_bytes(32)

    def _mac(self, signed: bytes) -> bytes:
        return hmac.new(self._secret, signed, hashlib.sha256).digest()

    def encode(self, state: CursorState) -> str:
        """Return the cursor text for ``state``. The same state always gives the same text."""
        payload = json.dumps(
            {
                "s": state.scope,
                "o": state.order,
                "n": state.page_size,
                "d": state.direction,
                "k": list(state.anchor),
                "i": state.inclusive,
            },
            separators=(",", ":"),
            sort_keys=True,
        ).encode("utf-8")
        signed = _MAGIC + len(payload).to_bytes(2, "big") + payload
        blob = signed + self._mac(signed)
        if len(blob) % 3 == 0:
            blob += _FILLER
        return base64.b64encode(blob).decode("ascii")

    def decode(self, text: str) -> CursorState:
        """Check a cursor's encoding and HMAC and return its state.

        Raises:
            InvalidCursorError: the text is not base64, is too short, has the wrong structure
                or an HMAC that does not match. The message names the failed check and
                never contains the secret.
        """
        try:
            blob = base64.b64decode(text.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error) as error:
            raise InvalidCursorError("the cursor is not standard base64") from error
        if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 2 + _MAC_SIZE:
            raise InvalidCursorError("the cursor was not issued by this server")

        length = int.from_bytes(blob[3:5], "big")
        signed_end = 5 + length
        rest = blob[signed_end + _MAC_SIZE :]
        if rest not in (b"", _FILLER) or len(blob) < signed_end + _MAC_SIZE:
            raise InvalidCursorError("the cursor has the wrong length")
        signed = blob[:signed_end]
        if not hmac.compare_digest(self._mac(signed), blob[signed_end : signed_end + _MAC_SIZE]):
            raise InvalidCursorError("the cursor was changed or was issued by another server")

        # The HMAC matched, so this server wrote the payload, and a failure below is a bug.
        fields: dict[str, Any] = json.loads(signed[5:])
        return CursorState(
            scope=fields["s"],
            order=fields["o"],
            page_size=fields["n"],
            direction=fields["d"],
            anchor=tuple(fields["k"]),
            inclusive=fields["i"],
        )
