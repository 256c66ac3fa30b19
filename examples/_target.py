"""The server that the examples send requests to, shared so that each example stays short.

With ``NEXMO_API_URL`` set, the examples use that server with the token in ``NEXMO_JWT`` and
the user ids in ``NEXMO_USER_ID`` (one id, or several separated by commas). Without it they
start the project's stand-in server on 127.0.0.1 with the demo data beside this file, log in
as the demo's busy ``support-desk`` account and list its sessions, so that paging shows.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

DEMO_SEED = Path(__file__).with_name("demo-seed.json")
DEMO_LOGIN_NAME = "support-desk"


class Target(NamedTuple):
    """The base URL, the token to log in with, and the users whose sessions to list.

    ``user_id`` is the first of ``user_ids``. Never print ``token`` unless the stand-in
    minted it.
    """

    url: str
    token: str
    user_id: str
    user_ids: tuple[str, ...]


def _external_target(url: str) -> Target:
    token = os.environ.get("NEXMO_JWT", "").strip()
    user_ids = tuple(
        user_id.strip()
        for user_id in os.environ.get("NEXMO_USER_ID", "").split(",")
        if user_id.strip()
    )
    if not token or not user_ids:
        sys.exit(
            "error: NEXMO_API_URL is set, so set NEXMO_JWT to a token and NEXMO_USER_ID to "
            "one or more user ids (separated by commas) as well, or unset NEXMO_API_URL to "
            "use the stand-in server with the demo data"
        )
    return Target(url=url, token=token, user_id=user_ids[0], user_ids=user_ids)


@contextlib.contextmanager
def example_target() -> Iterator[Target]:
    """Yield the target. When it is the stand-in, start it first and stop it on exit."""
    url = os.environ.get("NEXMO_API_URL", "").strip()
    if url:
        yield _external_target(url)
        return

    from nexmo_client.testing import StandInServer, Store

    store = Store.from_seed_file(DEMO_SEED)
    login_user = store.user_by_name(DEMO_LOGIN_NAME)
    if login_user is None:
        sys.exit(f"error: the demo data {DEMO_SEED} has no user named {DEMO_LOGIN_NAME!r}")
    # The busy account first, then every other demo user in seed order.
    user_ids = (login_user.id, *(user.id for user in store.users() if user.id != login_user.id))

    with StandInServer(store) as server:
        print(
            f"Started the stand-in server at {server.url} with the demo data; "
            f"logging in as {login_user.name} ({login_user.id}).",
            file=sys.stderr,
        )
        yield Target(
            url=server.url,
            token=server.mint_token(login_user.name),
            user_id=login_user.id,
            user_ids=user_ids,
        )
