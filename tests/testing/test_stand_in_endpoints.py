"""The stand-in server's endpoints, pagination, cursors and error bodies, over real HTTP."""

from __future__ import annotations

import base64
import http.client
import random
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from nexmo_client.testing import StandInServer

from .conftest import Alice

VERSIONS = ["v1", "v0.3"]
HEX_32 = re.compile(r"[0-9a-f]{32}")


def walk(alice: Alice, first_url: str, link: str) -> list[list[str]]:
    """Follow ``link`` (``next`` or ``prev``) from ``first_url``; return each page's ids."""
    pages = []
    url: str | None = first_url
    while url is not None:
        response = requests.get(url, headers=alice.headers, timeout=10)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["_embedded"]["sessions"]])
        url = body["_links"].get(link, {}).get("href")
        assert len(pages) < 1000, "the walk does not end"
    return pages


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """Check an error response's status and documented body fields; return the body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["type"].startswith("https://")
    assert body["type"].endswith(f"#{code}")
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert HEX_32.fullmatch(body["instance"])
    return body


@pytest.mark.parametrize("version", VERSIONS)
def test_user_document(alice: Alice, version: str) -> None:
    """GET /users/{id} returns the user's fields and an absolute self link."""
    response = alice.get(f"/{version}/users/{alice.user.id}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["id"] == alice.user.id
    assert body["name"] == "alice"
    assert body["display_name"] == "Alice Smith"
    assert body["image_url"] == "https://example.com/alice.png"
    assert body["_links"]["self"]["href"] == f"{alice.server.url}/{version}/users/{alice.user.id}"


@pytest.mark.parametrize("version", VERSIONS)
def test_users_list_and_name_filter(alice: Alice, version: str) -> None:
    """GET /users lists users under _embedded.users, and name= keeps only the exact name."""
    bob = alice.server.store.add_user("bob")
    alice.server.store.add_user("alicia")

    everyone = alice.get(f"/{version}/users").json()
    filtered = alice.get(f"/{version}/users", name="bob").json()
    nobody = alice.get(f"/{version}/users", name="ali").json()

    assert [user["name"] for user in everyone["_embedded"]["users"]] == ["alice", "bob", "alicia"]
    assert everyone["page_size"] == 10
    assert [user["id"] for user in filtered["_embedded"]["users"]] == [bob.id]
    assert filtered["_links"]["first"]["href"].startswith(f"{alice.server.url}/{version}/users?")
    assert "name=bob" in filtered["_links"]["self"]["href"]
    assert nobody["_embedded"]["users"] == []


def test_users_list_paginates(alice: Alice) -> None:
    """GET /users pages with cursors like sessions do, in creation order."""
    names = [f"user-{index:02}" for index in range(12)]
    for name in names:
        alice.server.store.add_user(name)

    first = alice.get("/v1/users", page_size=5, order="desc").json()
    second = requests.get(first["_links"]["next"]["href"], headers=alice.headers, timeout=10)

    assert [user["name"] for user in first["_embedded"]["users"]] == names[::-1][:5]
    assert [user["name"] for user in second.json()["_embedded"]["users"]] == names[::-1][5:10]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("order", "reverse"), [("asc", False), ("DESC", True), ("Asc", False)])
def test_sessions_page_shape(alice: Alice, version: str, order: str, reverse: bool) -> None:
    """GET /users/{id}/sessions returns the items in the requested order with HAL links."""
    expected = alice.server.store.sessions_of(alice.user.id)
    if reverse:
        expected.reverse()

    response = alice.get(f"/{version}/users/{alice.user.id}/sessions", page_size=20, order=order)

    assert response.status_code == 200
    body = response.json()
    assert body["page_size"] == 20
    sessions = body["_embedded"]["sessions"]
    assert [item["id"] for item in sessions] == expected
    for item in sessions:
        assert item["_embedded"]["user"] == {"id": alice.user.id, "name": "alice"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["created_at"])
    base = f"{alice.server.url}/{version}/users/{alice.user.id}/sessions"
    normalized = order.lower()
    assert body["_links"]["first"]["href"] == f"{base}?order={normalized}&page_size=20"
    assert body["_links"]["self"]["href"] == f"{base}?order={normalized}&page_size=20"
    assert "next" not in body["_links"]
    assert "prev" not in body["_links"]


def test_sessions_default_page_size(alice: Alice) -> None:
    """Without page_size the server uses 10 and echoes it in the body."""
    for _ in range(12):
        alice.server.store.open_session(alice.user.id)

    body = alice.get(f"/v1/users/{alice.user.id}/sessions").json()

    assert body["page_size"] == 10
    assert len(body["_embedded"]["sessions"]) == 10
    assert "next" in body["_links"]


def test_sessions_empty_user(alice: Alice) -> None:
    """A user without sessions gets 200 and an empty list, with no next or prev link."""
    bob = alice.server.store.add_user("bob")

    response = alice.get(f"/v1/users/{bob.id}/sessions")

    assert response.status_code == 200
    assert response.json()["_embedded"]["sessions"] == []
    assert set(response.json()["_links"]) == {"first", "self"}


def test_user_id_is_one_path_segment(alice: Alice) -> None:
    """A user id with /, ?, # and % is decoded as one segment and re-encoded in links."""
    odd_id = "USR-a/b?c#d%e f"
    store = alice.server.store
    store.add_user("odd", user_id=odd_id)
    store.open_session(odd_id)

    encoded = quote(odd_id, safe="")
    response = alice.get(f"/v1/users/{encoded}/sessions")
    user = alice.get(f"/v1/users/{encoded}")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["_embedded"]["sessions"]] == store.sessions_of(
        odd_id
    )
    assert f"/v1/users/{encoded}/sessions?" in response.json()["_links"]["self"]["href"]
    assert user.json()["id"] == odd_id
    assert alice.server.requests[-1].path == f"/v1/users/{encoded}"


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_walk_forward_and_back(alice: Alice, order: str) -> None:
    """A walk of 305 sessions via next, then back via prev, has no repeats and no gaps."""
    for _ in range(302):
        alice.server.store.open_session(alice.user.id)
    expected = alice.server.store.sessions_of(alice.user.id)
    if order == "desc":
        expected.reverse()
    first = f"{alice.server.url}/v1/users/{alice.user.id}/sessions?page_size=20&order={order}"

    forward = walk(alice, first, "next")
    last_page = requests.get(first, headers=alice.headers, timeout=10).json()
    for _ in range(len(forward) - 1):
        last_page = requests.get(
            last_page["_links"]["next"]["href"], headers=alice.headers, timeout=10
        ).json()
    backward = walk(alice, last_page["_links"]["self"]["href"], "prev")

    assert [session for page in forward for session in page] == expected
    assert [len(page) for page in forward] == [20] * 15 + [5]
    assert backward == forward[::-1]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_walk_while_sessions_change(alice: Alice, order: str) -> None:
    """Sessions that exist during the whole walk appear exactly once, despite churn."""
    store = alice.server.store
    randomizer = random.Random(7)
    volatile = set()
    for index in range(200):
        session_id = store.open_session(alice.user.id)
        if index % 3 == 0:
            volatile.add(session_id)
    stable = set(store.sessions_of(alice.user.id)) - volatile
    seen: list[str] = []

    url: str | None = (
        f"{alice.server.url}/v1/users/{alice.user.id}/sessions?page_size=9&order={order}"
    )
    while url is not None:
        body = requests.get(url, headers=alice.headers, timeout=10).json()
        seen.extend(item["id"] for item in body["_embedded"]["sessions"])
        url = body["_links"].get("next", {}).get("href")
        # Between pages: close a few volatile sessions (seen or not) and open new ones.
        for session_id in randomizer.sample(sorted(volatile), min(3, len(volatile))):
            store.close_session(session_id)
            volatile.discard(session_id)
        for _ in range(2):
            store.open_session(alice.user.id)

    assert len(seen) == len(set(seen))
    assert stable <= set(seen)


def test_empty_page_after_cursor_links_back(alice: Alice) -> None:
    """When the sessions after a cursor were closed, the empty page still links back."""
    store = alice.server.store
    for _ in range(2):
        store.open_session(alice.user.id)
    ids = store.sessions_of(alice.user.id)
    first = alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=3).json()
    for session_id in ids[3:]:
        store.close_session(session_id)

    empty = requests.get(first["_links"]["next"]["href"], headers=alice.headers, timeout=10)
    back = requests.get(empty.json()["_links"]["prev"]["href"], headers=alice.headers, timeout=10)

    assert empty.status_code == 200
    assert empty.json()["_embedded"]["sessions"] == []
    assert "next" not in empty.json()["_links"]
    assert [item["id"] for item in back.json()["_embedded"]["sessions"]] == ids[:3]


def test_cursor_contains_encoded_base64_characters(alice: Alice) -> None:
    """Every cursor contains +, / and =, and links carry it percent-encoded."""
    for _ in range(40):
        alice.server.store.open_session(alice.user.id)
    url: str | None = f"{alice.server.url}/v1/users/{alice.user.id}/sessions?page_size=1"
    cursors = []
    while url is not None and len(cursors) < 40:
        links = requests.get(url, headers=alice.headers, timeout=10).json()["_links"]
        url = links.get("next", {}).get("href")
        if url is not None:
            assert "%2B" in url
            assert "+" not in url
            cursors.append(parse_qs(urlsplit(url).query)["cursor"][0])

    assert len(cursors) == 40
    for cursor in cursors:
        assert "+" in cursor
        assert "/" in cursor
        assert cursor.endswith("=")


@pytest.fixture
def next_cursor(alice: Alice) -> str:
    """A valid next cursor of alice's sessions, for order asc and page size 2."""
    body = alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=2, order="asc").json()
    return parse_qs(urlsplit(body["_links"]["next"]["href"]).query)["cursor"][0]


def test_cursor_reused_in_both_versions(alice: Alice, next_cursor: str) -> None:
    """A cursor from /v1 also works on /v0.3, as both list the same sessions."""
    response = alice.get(
        f"/v0.3/users/{alice.user.id}/sessions", page_size=2, order="asc", cursor=next_cursor
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["_embedded"]["sessions"]] == (
        alice.server.store.sessions_of(alice.user.id)[2:]
    )


def tampered(cursor: str) -> str:
    """Flip one bit in the middle of a cursor's bytes, keeping it valid base64."""
    blob = bytearray(base64.b64decode(cursor))
    blob[len(blob) // 2] ^= 0x01
    return base64.b64encode(bytes(blob)).decode()


@pytest.mark.parametrize(
    "case", ["other user", "other order", "other page size", "tampered", "garbage", "not ours"]
)
def test_cursor_rejected(alice: Alice, next_cursor: str, case: str) -> None:
    """A cursor used for another list, changed, or never issued is 400 invalid-cursor."""
    bob = alice.server.store.add_user("bob")
    user_id, order, page_size, cursor = alice.user.id, "asc", 2, next_cursor
    if case == "other user":
        user_id = bob.id
    elif case == "other order":
        order = "desc"
    elif case == "other page size":
        page_size = 3
    elif case == "tampered":
        cursor = tampered(next_cursor)
    elif case == "garbage":
        cursor = "not base64 at all!"
    else:
        cursor = base64.b64encode(b"\xfb\xef\xff" + bytes(60)).decode()

    response = alice.get(
        f"/v1/users/{user_id}/sessions", page_size=page_size, order=order, cursor=cursor
    )

    body = assert_error(response, 400, "paginator-builder:error:invalid-cursor")
    assert body["invalid_parameters"][0]["name"] == "cursor"


def test_cursor_with_unencoded_plus_rejected(alice: Alice, next_cursor: str) -> None:
    """A cursor put into the query unencoded has its + read as a space, so it is rejected."""
    url = f"{alice.server.url}/v1/users/{alice.user.id}/sessions?page_size=2&cursor={next_cursor}"

    response = requests.get(url, headers=alice.headers, timeout=10)

    assert_error(response, 400, "paginator-builder:error:invalid-cursor")


@pytest.mark.parametrize("value", ["0", "101", "abc", "1.5", "-1", "", " 5"])
def test_page_size_rejected(alice: Alice, value: str) -> None:
    """A page_size outside 1..100 or not an integer is 400 validation-fail naming it."""
    response = alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=value)

    body = assert_error(response, 400, "http:error:validation-fail")
    assert [entry["name"] for entry in body["invalid_parameters"]] == ["page_size"]
    assert body["invalid_parameters"][0]["reason"]


@pytest.mark.parametrize("value", ["1", "100", "007"])
def test_page_size_accepted(alice: Alice, value: str) -> None:
    """page_size accepts the integers 1 to 100 and echoes the value in the body."""
    response = alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=value)

    assert response.status_code == 200
    assert response.json()["page_size"] == int(value)


@pytest.mark.parametrize("value", ["ascending", "", "up"])
def test_order_rejected(alice: Alice, value: str) -> None:
    """An order other than asc or desc is 400 validation-fail naming it."""
    response = alice.get("/v1/users", order=value)

    body = assert_error(response, 400, "http:error:validation-fail")
    assert [entry["name"] for entry in body["invalid_parameters"]] == ["order"]


def test_both_parameters_rejected_together(alice: Alice) -> None:
    """One 400 names every invalid parameter."""
    response = alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=0, order="sideways")

    body = assert_error(response, 400, "http:error:validation-fail")
    assert sorted(entry["name"] for entry in body["invalid_parameters"]) == ["order", "page_size"]


def test_unknown_user(alice: Alice) -> None:
    """An unknown user id is 404 user:error:not-found, for the user and its sessions."""
    for path in ["/v1/users/USR-missing", "/v0.3/users/USR-missing/sessions"]:
        assert_error(alice.get(path), 404, "user:error:not-found")


@pytest.mark.parametrize(
    "path", ["/v2/users", "/v1/conversations", "/v1/users/USR-1/sessions/x", "/", "/v1/users//x"]
)
def test_unknown_path(alice: Alice, path: str) -> None:
    """Any other path is 404 http:error:not-found, before the token is checked."""
    response = requests.get(f"{alice.server.url}{path}", timeout=10)

    assert_error(response, 404, "http:error:not-found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method(alice: Alice, method: str) -> None:
    """A method other than GET on a known path is 405 with Allow: GET."""
    response = requests.request(
        method, f"{alice.server.url}/v1/users/{alice.user.id}", data=b"{}", timeout=10
    )

    assert_error(response, 405, "http:error:method-not-allowed")
    assert response.headers["Allow"] == "GET"


def test_head_gets_headers_only(alice: Alice) -> None:
    """A HEAD request gets 405 with a Content-Length but no body, so keep-alive stays in step."""
    host, port = urlsplit(alice.server.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("HEAD", "/v1/users")
        head = connection.getresponse()
        head_body = head.read()
        connection.request("GET", "/v1/users", headers=alice.headers)
        after = connection.getresponse()
        after.read()
    finally:
        connection.close()

    assert head.status == 405
    assert int(head.headers["Content-Length"]) > 0
    assert head_body == b""
    assert after.status == 200


def test_content_length_is_exact(alice: Alice) -> None:
    """Every response's Content-Length equals its body length."""
    responses = [
        alice.get(f"/v1/users/{alice.user.id}/sessions"),
        alice.get("/v1/users/USR-missing"),
        requests.get(f"{alice.server.url}/nowhere", timeout=10),
        alice.get("/v1/users", page_size="x"),
    ]

    for response in responses:
        assert int(response.headers["Content-Length"]) == len(response.content)


def test_malformed_request_line(stand_in: StandInServer) -> None:
    """A request line that cannot be parsed gets a 400 JSON error body, then the server closes."""
    host, port = urlsplit(stand_in.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", "/v1/users")
        connection.putheader("Content-Length", "not a number")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()

    assert response.status == 400
    assert response.headers["Connection"] == "close"
    assert b"http:error:bad-request" in body


def test_requests_recorded(alice: Alice, next_cursor: str) -> None:
    """The record keeps method, raw path, decoded query and headers without Authorization."""
    alice.server.clear_requests()

    alice.get(f"/v1/users/{alice.user.id}/sessions", page_size=2, cursor=next_cursor)
    recorded = alice.server.requests

    assert len(recorded) == 1
    request = recorded[0]
    assert request.method == "GET"
    assert request.path == f"/v1/users/{alice.user.id}/sessions"
    assert request.query == (("page_size", "2"), ("cursor", next_cursor))
    assert "authorization" not in request.headers
    assert request.headers["user-agent"].startswith("python-requests/")
    assert all(name == name.lower() for name in request.headers)


def test_clear_requests(alice: Alice) -> None:
    """clear_requests() empties the record, and requests returns a snapshot."""
    alice.get("/v1/users")
    snapshot = alice.server.requests

    alice.server.clear_requests()

    assert len(snapshot) == 1
    assert alice.server.requests == []
