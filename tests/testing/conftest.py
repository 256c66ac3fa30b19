"""Fixtures for the stand-in server's tests: a user with sessions and a valid token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from nexmo_client.testing import StandInServer, StoredUser


@dataclass(frozen=True)
class Alice:
    """A user named alice on a running server, and headers with a token for her."""

    server: StandInServer
    user: StoredUser
    headers: dict[str, str]

    def get(self, path: str, **params: str | int) -> requests.Response:
        """Send GET ``{server.url}{path}`` with the token and these query parameters."""
        return requests.get(
            f"{self.server.url}{path}", params=params, headers=self.headers, timeout=10
        )


@pytest.fixture
def alice(stand_in: StandInServer) -> Alice:
    """The user alice, with three sessions, on the shared ``stand_in`` server."""
    user = stand_in.store.add_user(
        "alice", display_name="Alice Smith", image_url="https://example.com/alice.png"
    )
    for _ in range(3):
        stand_in.store.open_session(user.id)
    token = stand_in.mint_token("alice")
    return Alice(stand_in, user, {"Authorization": f"Bearer {token}"})
