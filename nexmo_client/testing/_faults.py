"""Scripted faults: what to do instead of (or around) the normal response, and to which requests."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["status", "delay", "drop", "reset_mid_body", "drip", "hang"]


def _check_seconds(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"invalid {name} {value!r}: expected a finite number of seconds >= 0")
    return float(value)


@dataclass(frozen=True, slots=True)
class Fault:
    """A misbehaviour for the server to apply to a request. Build one with the class methods."""

    kind: FaultKind
    status_code: int = 0
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    chunk_size: int = 1

    @classmethod
    def status(
        cls,
        status: int,
        body: bytes | str | Mapping[str, Any] | list[Any] = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Build a fault that sends this status, body and headers instead of the normal response.

        A dict or list body is sent as JSON with ``Content-Type: application/json``, and a str
        as UTF-8 with ``Content-Type: text/plain; charset=utf-8``, unless ``headers`` sets a
        ``Content-Type``. A bytes body gets no Content-Type unless ``headers`` sets one.
        ``Content-Length`` is always exact. The request skips every check, the token included.

        Raises:
            ValueError: the status is outside 200..599, or 204 or 304 with a body.
        """
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
            raise ValueError(f"invalid status {status!r}: expected an integer from 200 to 599")
        content_type: str | None = None
        if isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        else:
            data = json.dumps(body).encode("utf-8")
            content_type = "application/json"
        if data and status in (204, 304):
            raise ValueError(f"a {status} response cannot have a body")

        pairs = [(str(name), str(value)) for name, value in (headers or {}).items()]
        for name, _ in pairs:
            if name.lower() == "content-length":
                raise ValueError("Content-Length is set by the server from the body")
            if "\r" in name or "\n" in name:
                raise ValueError(f"invalid header name {name!r}: it contains a line break")
        if any("\r" in value or "\n" in value for _, value in pairs):
            raise ValueError("invalid header value: it contains a line break")
        if content_type and not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.insert(0, ("Content-Type", content_type))
        return cls("status", status_code=status, body=data, headers=tuple(pairs))

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Build a fault that waits ``seconds``, then sends the normal response.

        ``stop()`` ends the wait early and closes the connection without a response.
        """
        return cls("delay", seconds=_check_seconds("delay", seconds))

    @classmethod
    def drop(cls) -> Fault:
        """Build a fault that closes the connection after reading the request, sending nothing."""
        return cls("drop")

    @classmethod
    def reset_mid_body(cls) -> Fault:
        """Build a fault that sends the headers and the first half of the normal body, then resets
        the connection (TCP RST)."""
        return cls("reset_mid_body")

    @classmethod
    def drip(cls, interval: float, chunk_size: int = 1) -> Fault:
        """Build a fault that sends the normal response, status line and headers included,
        ``chunk_size`` bytes every ``interval`` seconds.

        Raises:
            ValueError: ``interval`` is negative or not finite, or ``chunk_size`` is below 1.
        """
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError(f"invalid chunk_size {chunk_size!r}: expected an integer >= 1")
        return cls("drip", seconds=_check_seconds("interval", interval), chunk_size=chunk_size)

    @classmethod
    def hang(cls) -> Fault:
        """Build a fault that reads the request and never responds.

        The connection stays open until the server stops or the client closes it.
        """
        return cls("hang")


@dataclass(slots=True)
class _Rule:
    fault: Fault
    path: str | None
    user_id: str | None
    remaining: int | None = field(default=None)


class FaultTable:
    """The injected faults, in injection order. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []

    def add(self, fault: Fault, path: str | None, user_id: str | None, times: int | None) -> None:
        """Add a rule. ``path`` must already be in canonical form (see ``canonical_path``)."""
        if not isinstance(fault, Fault):
            raise TypeError(f"fault must be a Fault, got {type(fault).__name__}")
        if times is not None and (
            isinstance(times, bool) or not isinstance(times, int) or times < 1
        ):
            raise ValueError(f"invalid times {times!r}: expected None or an integer >= 1")
        with self._lock:
            self._rules.append(_Rule(fault, path, user_id, times))

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def take(self, path: str, user_id: str | None) -> Fault | None:
        """Return the fault of the oldest rule that matches this request, and count it.

        A rule made with ``times`` is removed once it has applied that many times.
        """
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.path is not None and rule.path != path:
                    continue
                if rule.user_id is not None and rule.user_id != user_id:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        del self._rules[index]
                return rule.fault
        return None
