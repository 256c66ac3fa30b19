"""Functional tests of get_user, get_user_sessions and page walking against the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from client_support import FAST_SETTINGS, WAIT_SECONDS, Recorder, logged_in_client
from hypothesis import HealthCheck, given, settings
from strategies import user_ids

from nexmo_client import (
    NexmoAuthenticationError,
    NexmoClient,
    NexmoNotFoundError,
    NexmoPageOrder,
    NexmoPermissionError,
    NexmoUserSessionsPage,
    NexmoValidationError,
)
from nexmo_client.testing import Fault, StandInServer


@pytest.fixture
def client(stand_in: StandInServer) -> Iterator[NexmoClient]:
    """A client of the stand-in, logged in as alice."""
    with logged_in_client(stand_in) as client:
        yield client


def _seed_sessions(server: StandInServer, name: str, count: int) -> tuple[str, list[str]]:
    user = server.store.user_by_name(name) or server.store.add_user(name)
    return user.id, [server.store.open_session(user.id) for _ in range(count)]


def _walk(first: NexmoUserSessionsPage, direction: str) -> list[NexmoUserSessionsPage]:
    pages = [first]
    while getattr(pages[-1], f"has_{direction}")():
        pages.append(getattr(pages[-1], f"get_{direction}")().result(WAIT_SECONDS))
    return pages


@pytest.mark.parametrize("version", ["v1", "v0.3"])
def test_sessions_api_versions(stand_in: StandInServer, version: str) -> None:
    """Both API versions fetch the sessions, under their own path prefix."""
    user_id, sessions = _seed_sessions(stand_in, "alice", 2)

    with logged_in_client(stand_in, api_version=version) as client:
        page = client.get_user_sessions(user_id).result(WAIT_SECONDS)

    assert [session.id for session in page] == sessions
    assert stand_in.requests[-1].path == f"/{version}/users/{user_id}/sessions"


@pytest.mark.parametrize(
    ("order", "reverse"),
    [(NexmoPageOrder.ASC, False), (NexmoPageOrder.DESC, True), ("DESC", True), ("asc", False)],
)
def test_sessions_orders(
    client: NexmoClient, stand_in: StandInServer, order: Any, reverse: bool
) -> None:
    """ASC lists the oldest session first and DESC the newest, and the order is sent."""
    user_id, sessions = _seed_sessions(stand_in, "alice", 3)

    page = client.get_user_sessions(user_id, 10, order).result(WAIT_SECONDS)

    expected = list(reversed(sessions)) if reverse else sessions
    assert [session.id for session in page] == expected
    assert page.order is NexmoPageOrder(order)
    assert ("order", NexmoPageOrder(order).value) in stand_in.requests[-1].query


def test_sessions_request_query(client: NexmoClient, stand_in: StandInServer) -> None:
    """The first page sends page_size and order, and no cursor."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)

    client.get_user_sessions(user_id, 20, NexmoPageOrder.ASC).result(WAIT_SECONDS)

    assert stand_in.requests[-1].query == (("page_size", "20"), ("order", "asc"))


def test_sessions_offline_user(client: NexmoClient, stand_in: StandInServer) -> None:
    """A user with no sessions is a success with an empty page."""
    bob = stand_in.store.add_user("bob")
    recorder = Recorder()

    recorder.watch(client.get_user_sessions(bob.id, listener=recorder))
    page = recorder.result()

    assert len(page) == 0
    assert not page.has_next()
    assert not page.has_prev()


def test_sessions_walk_forward_and_back(client: NexmoClient, stand_in: StandInServer) -> None:
    """Seven sessions in pages of three are walked to the end and back, each seen once."""
    user_id, sessions = _seed_sessions(stand_in, "alice", 7)
    first = client.get_user_sessions(user_id, 3, NexmoPageOrder.ASC).result(WAIT_SECONDS)

    forward = _walk(first, "next")
    backward = _walk(forward[-1], "prev")

    assert [len(page) for page in forward] == [3, 3, 1]
    assert [session.id for page in forward for session in page] == sessions
    assert [session.id for page in reversed(backward) for session in page] == sessions
    assert not first.has_prev()
    assert all(page.user_id == user_id for page in forward + backward)
    assert all(page.page_size == 3 for page in forward + backward)


def test_sessions_next_sends_cursor(client: NexmoClient, stand_in: StandInServer) -> None:
    """get_next sends the same user, page size and order, plus the link's cursor intact."""
    user_id, _ = _seed_sessions(stand_in, "alice", 3)
    first = client.get_user_sessions(user_id, 1, "desc").result(WAIT_SECONDS)

    first.get_next().result(WAIT_SECONDS)

    request = stand_in.requests[-1]
    assert request.path == f"/v1/users/{user_id}/sessions"
    assert request.query[:2] == (("page_size", "1"), ("order", "desc"))
    assert request.query[2] == ("cursor", first.next_cursor)


def test_sessions_missing_page_on_error(client: NexmoClient, stand_in: StandInServer) -> None:
    """Asking for a page that does not exist delivers a NexmoValidationError, sending nothing."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)
    page = client.get_user_sessions(user_id).result(WAIT_SECONDS)
    stand_in.clear_requests()
    recorder = Recorder()

    recorder.watch(page.get_prev(recorder))
    error = recorder.error()

    assert isinstance(error, NexmoValidationError)
    assert "has_prev()" in error.message
    assert stand_in.requests == []


def test_sessions_cursor_other_host(client: NexmoClient, stand_in: StandInServer) -> None:
    """A next link naming another host is followed on the configured host only."""
    user_id, _ = _seed_sessions(stand_in, "alice", 2)
    path = f"/v1/users/{user_id}/sessions"
    body = {
        "_embedded": {"sessions": []},
        "_links": {"next": {"href": f"https://elsewhere.invalid{path}?cursor=evil+c/u=="}},
    }
    stand_in.inject(Fault.status(200, body=body), path=path, times=1)
    first = client.get_user_sessions(user_id).result(WAIT_SECONDS)

    stand_in.clear_requests()
    error = first.get_next().exception(WAIT_SECONDS)

    assert first.next_cursor == "evil+c/u=="
    assert len(stand_in.requests) == 1
    assert stand_in.requests[0].path == path
    assert ("cursor", "evil+c/u==") in stand_in.requests[0].query
    # The stand-in itself rejects the injected cursor, which shows the request reached it.
    assert isinstance(error, NexmoValidationError)
    assert error.type == "paginator-builder:error:invalid-cursor"


def test_get_user(client: NexmoClient, stand_in: StandInServer) -> None:
    """get_user returns the stored user, bound to the client."""
    carol = stand_in.store.add_user("carol", display_name="Carol", image_url="https://x/c.png")
    stand_in.store.open_session(carol.id)

    user = client.get_user(carol.id).result(WAIT_SECONDS)
    page = user.get_sessions(5, "asc").result(WAIT_SECONDS)

    assert user.id == carol.id
    assert user.name == "carol"
    assert user.display_name == "Carol"
    assert user.image_url == "https://x/c.png"
    assert len(page) == 1


@pytest.mark.parametrize(
    "user_id",
    ["USR-a/b", "USR-#frag", "USR-?q=1", "USR-100%", "USR with spaces", "USR-ünï-日本", "USR-+/="],
)
def test_sessions_user_id_encoding(stand_in: StandInServer, user_id: str) -> None:
    """User ids with path delimiters, '%', spaces and non-ASCII reach the right user."""
    stand_in.store.add_user("odd", user_id=user_id)
    session = stand_in.store.open_session(user_id)

    with logged_in_client(stand_in) as client:
        user = client.get_user(user_id).result(WAIT_SECONDS)
        page = client.get_user_sessions(user_id).result(WAIT_SECONDS)

    assert user.id == user_id
    assert [item.id for item in page] == [session]


@given(user_id=user_ids)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_sessions_user_id_round_trip(
    client: NexmoClient, stand_in: StandInServer, user_id: str
) -> None:
    """Any user id round-trips through the path encoding to the stand-in and back."""
    if stand_in.store.user(user_id) is None:
        stand_in.store.add_user(f"user-{len(stand_in.store.users())}", user_id=user_id)

    user = client.get_user(user_id).result(WAIT_SECONDS)
    page = client.get_user_sessions(user_id).result(WAIT_SECONDS)

    assert user.id == user_id
    assert page.user_id == user_id


ERROR_BODY_CASES = [
    (401, "system:error:missing-token", NexmoAuthenticationError),
    (401, "system:error:invalid-token", NexmoAuthenticationError),
    (401, "system:error:expired-token", NexmoAuthenticationError),
    (403, "system:error:permission", NexmoPermissionError),
    (404, "user:error:not-found", NexmoNotFoundError),
    (400, "http:error:validation-fail", NexmoValidationError),
    (400, "paginator-builder:error:invalid-cursor", NexmoValidationError),
]


@pytest.mark.parametrize(("status", "code", "error_class"), ERROR_BODY_CASES)
def test_sessions_error_bodies(
    client: NexmoClient, stand_in: StandInServer, status: int, code: str, error_class: type
) -> None:
    """Each error body maps to its class, with the body's code, the status and the detail."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)
    body = {
        "type": f"https://developer.nexmo.com/api/conversation#{code}",
        "title": "Failed.",
        "code": code,
        "detail": f"Detail for {code}.",
        "instance": "req-1",
    }
    stand_in.inject(Fault.status(status, body=body), path=f"/v1/users/{user_id}/sessions")
    recorder = Recorder()

    recorder.watch(client.get_user_sessions(user_id, listener=recorder))
    error = recorder.error()

    assert type(error) is error_class
    assert error.type == code
    assert error.status == status
    assert error.detail == f"Detail for {code}."
    assert error.tid is None


def test_sessions_real_not_found(client: NexmoClient) -> None:
    """The stand-in's own 404 for an unknown user maps to NexmoNotFoundError."""
    recorder = Recorder()

    recorder.watch(client.get_user_sessions("USR-missing", listener=recorder))
    error = recorder.error()

    assert isinstance(error, NexmoNotFoundError)
    assert error.type == "user:error:not-found"
    assert error.status == 404


def test_sessions_real_invalid_cursor(client: NexmoClient, stand_in: StandInServer) -> None:
    """The stand-in's own 400 for a forged cursor maps to NexmoValidationError."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)
    forged = NexmoUserSessionsPage(
        data=(),
        page_size=10,
        order=NexmoPageOrder.ASC,
        user_id=user_id,
        next_cursor="not-a-cursor",
        client=client,
    )

    error = forged.get_next().exception(WAIT_SECONDS)

    assert isinstance(error, NexmoValidationError)
    assert error.type == "paginator-builder:error:invalid-cursor"
    assert error.status == 400


def test_sessions_real_invalid_token(stand_in: StandInServer) -> None:
    """The stand-in's own 401 for a token it did not sign maps to NexmoAuthenticationError."""
    with NexmoClient(stand_in.url, **FAST_SETTINGS) as client:
        client.login("opaque-token").exception(WAIT_SECONDS)
        error = client.get_user_sessions("USR-1").exception(WAIT_SECONDS)

    assert isinstance(error, NexmoAuthenticationError)
    assert error.type == "system:error:invalid-token"
    assert error.status == 401


def test_sessions_real_permission(stand_in: StandInServer) -> None:
    """The stand-in's own 403 for a token whose acl misses the path maps to
    NexmoPermissionError."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)
    token = stand_in.mint_token("alice", acl={"paths": {"/*/conversations/**": {}}})

    with NexmoClient(stand_in.url, **FAST_SETTINGS) as client:
        client.login(token).exception(WAIT_SECONDS)
        error = client.get_user_sessions(user_id).exception(WAIT_SECONDS)

    assert isinstance(error, NexmoPermissionError)
    assert error.type == "system:error:permission"
    assert error.status == 403


def test_sessions_bad_response_body(client: NexmoClient, stand_in: StandInServer) -> None:
    """A 200 whose sessions are malformed fails with a bad-response error, not a KeyError."""
    user_id, _ = _seed_sessions(stand_in, "alice", 1)
    body = {"_embedded": {"sessions": [{"id": "SES-1"}]}}
    stand_in.inject(Fault.status(200, body=body), path=f"/v1/users/{user_id}/sessions")

    error = client.get_user_sessions(user_id).exception(WAIT_SECONDS)

    assert error is not None
    assert getattr(error, "type", None) == "error:bad-response"
