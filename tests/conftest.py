"""Fixtures shared by the whole suite: a stand-in server on 127.0.0.1, port 0, per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nexmo_client.testing import StandInServer


@pytest.fixture
def stand_in() -> Iterator[StandInServer]:
    """A running stand-in server with an empty store, stopped after the test."""
    with StandInServer() as server:
        yield server
