"""A stand-in Conversation API server, for tests and demos now that the real service is gone.

It is a real HTTP/1.1 server with keep-alive on 127.0.0.1, by default on a free port. It
needs PyJWT[crypto], which the project's ``testing`` extra installs (``python -m pip install
'.[testing]'`` from the checkout). It serves, under both ``/v1`` and ``/v0.3``:

- ``GET /users`` (paginated, items under ``_embedded.users``, optional exact ``name`` filter),
- ``GET /users/{user_id}`` (``id``, ``name``, ``display_name``, ``image_url``, ``_links``),
- ``GET /users/{user_id}/sessions`` (paginated, items under ``_embedded.sessions``).

Lists take ``page_size`` (1 to 100, default 10), ``order`` (``asc`` or ``desc`` in any case,
default ``asc``, by creation time) and the opaque ``cursor`` of a ``next`` or ``prev`` link.
Cursors always contain ``+``, ``/`` and ``=``, so they must be percent-encoded as query values.
A cursor is valid only for the list, order and page size it came from. Requests need an RS256
JWT signed with the server's key, and errors carry the service's JSON error bodies. The module
imports nothing from the client, so that the two cannot share a misreading of the protocol.

Starting a server and minting a token::

    import requests
    from nexmo_client.testing import StandInServer

    with StandInServer() as server:               # start() on enter, stop() on exit
        alice = server.store.add_user("alice", display_name="Alice")
        server.store.open_session(alice.id)
        token = server.mint_token("alice")       # sub is the user name, lifetime 3600 s
        response = requests.get(
            f"{server.url}/v1/users/{alice.id}/sessions",
            params={"page_size": 20},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert len(response.json()["_embedded"]["sessions"]) == 1

``mint_token(sub, lifetime=..., acl=..., extra_claims=...)`` signs with the server's RSA key
(generated at start unless ``private_key_pem`` is given) and adds ``application_id``, ``sub``,
``iat``, ``exp``, ``jti`` and ``acl`` (``DEFAULT_CLIENT_ACL`` unless given). A negative
lifetime gives an expired token. ACL paths are patterns in which ``*`` matches one path
segment and ``**`` any number of segments, none included.

Changing data while the server runs: ``Store`` methods are thread-safe, and every request reads
the store as it is at that moment::

    session_id = server.store.open_session(alice.id)   # newest session, listed last in asc
    server.store.close_session(session_id)               # KeyError if it is not open

Checking what a client sent: ``server.requests`` is a snapshot of ``RecordedRequest`` values
(method, percent-encoded path, decoded query pairs, lower-case headers without
``authorization``), and ``server.clear_requests()`` empties it.

Injecting faults, per path, per user or for every request, for a number of requests or until
cleared::

    from nexmo_client.testing import Fault

    server.inject(Fault.status(503, {"title": "busy"}, {"Retry-After": "1"}), times=2)
    server.inject(Fault.delay(0.5), user_id=alice.id)
    server.inject(Fault.drop(), path=f"/v1/users/{alice.id}/sessions", times=1)
    server.inject(Fault.reset_mid_body())       # headers and half the body, then TCP RST
    server.inject(Fault.drip(0.01, chunk_size=16))
    server.inject(Fault.hang())                 # no response until stop() or the client leaves
    server.clear_faults()

When several faults match a request, the one injected first applies. A status fault replaces
the response without any check, the token included, and the others wrap the normal response.
``stop()`` ends every wait and closes every connection, and returns within about a second.

Using it from your own pytest tests::

    import pytest
    from nexmo_client.testing import StandInServer

    @pytest.fixture
    def stand_in():
        with StandInServer() as server:
            yield server

    def test_offline_user_has_no_sessions(stand_in):
        user = stand_in.store.add_user("bob")
        ...  # point the code under test at stand_in.url with stand_in.mint_token("bob")

From the command line (``--help`` lists every option)::

    python -m nexmo_client.testing --seed users.json --port 0 --token-for alice

prints the URL on the first line of stdout and, with ``--token-for``, a development token on
the second, logs each request to stderr, and stops on Ctrl-C or SIGTERM.

The seed file is UTF-8 JSON. Only a user's ``name`` is required and names are unique. Ids are
``USR-<uuid4>`` and ``SES-<uuid4>`` when absent. ``created_at`` is ISO-8601 with a timezone,
and sessions without it are created at load time, in file order, after those with a past
``created_at``::

    {
      "users": [
        {"id": "USR-82e028d9-5201-4f1e-8188-604b2d3471ec", "name": "alice",
         "display_name": "Alice Smith", "image_url": "https://example.com/alice.png",
         "sessions": [{"id": "SES-84ebef0d-321a-47e6-8446-f4fcc5ca74b9",
                       "created_at": "2026-04-01T09:30:00Z"}]},
        {"name": "bob"}
      ]
    }

``Store.from_seed_file(path)`` loads one and raises ``ValueError`` naming the invalid entry,
for example ``users[1].sessions[0].created_at``, and unknown keys are rejected as typos.

Loggers: ``nexmo_client.testing.server`` logs each request at INFO (never the
``Authorization`` header) and errors at WARNING and above. ``nexmo_client.testing.cli`` logs
the command line's start and stop at INFO, and a WARNING when it listens on an address other
than loopback.
"""

try:
    # PyJWT and cryptography are not dependencies of the client, only of this package, so a
    # missing one is named here with the install command rather than deep in an import chain.
    import cryptography.hazmat.primitives.asymmetric.rsa  # noqa: F401
    import jwt  # noqa: F401
except ImportError as error:
    raise ImportError(
        f"nexmo_client.testing (the stand-in server) cannot import {error.name or 'PyJWT'}: "
        "it needs PyJWT[crypto], which the project's testing extra installs. From the "
        "nexmo_client checkout, run python -m pip install '.[testing]', or run "
        "scripts/demo.sh, which installs it into .venv.",
        name=error.name,
    ) from error

from nexmo_client.testing._faults import Fault
from nexmo_client.testing._server import RecordedRequest, StandInServer
from nexmo_client.testing._store import Store, StoredUser
from nexmo_client.testing._tokens import DEFAULT_CLIENT_ACL

__all__ = [
    "DEFAULT_CLIENT_ACL",
    "Fault",
    "RecordedRequest",
    "StandInServer",
    "Store",
    "StoredUser",
]
