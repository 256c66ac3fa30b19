"""Tests of parsing session pages, reading cursors and the page order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from strategies import session_page_bodies

from nexmo_client import NexmoApiError, NexmoBadResponseError, NexmoPageOrder, NexmoUserSessionsPage
from nexmo_client.pages import UsersPage, cursor_from_href

BASE = "https://api.nexmo.com/v1/users/USR-1/sessions"


def _session(number: int) -> dict[str, Any]:
    return {"id": f"SES-{number}", "_embedded": {"user": {"id": "USR-1", "name": "alice"}}}


def _parse(body: object, page_size: int = 10) -> NexmoUserSessionsPage:
    return NexmoUserSessionsPage.from_json(
        body, user_id="USR-1", page_size=page_size, order=NexmoPageOrder.ASC
    )


def test_page_from_json_sessions() -> None:
    """Sessions under _embedded.sessions become the page's data, in order."""
    page = _parse({"_embedded": {"sessions": [_session(1), _session(2)]}})

    assert [session.id for session in page.data] == ["SES-1", "SES-2"]
    assert [session.id for session in page] == ["SES-1", "SES-2"]
    assert len(page) == 2
    assert page.get_data() == page.data


def test_page_from_json_request_fields() -> None:
    """The page keeps the user id and order of its request."""
    page = NexmoUserSessionsPage.from_json(
        {}, user_id="USR-9", page_size=5, order=NexmoPageOrder.DESC
    )

    assert page.user_id == "USR-9"
    assert page.order is NexmoPageOrder.DESC
    assert page.get_order() is NexmoPageOrder.DESC
    assert page.page_size == 5


@pytest.mark.parametrize(
    "body",
    [{}, {"page_size": 10}, {"_embedded": None}, {"_embedded": {}}, {"_embedded": {"data": {}}}],
)
def test_page_from_json_empty(body: dict[str, Any]) -> None:
    """A body without sessions is an empty page with no neighbours: the user is offline."""
    page = _parse(body)

    assert page.data == ()
    assert not page.has_next()
    assert not page.has_prev()


def test_page_from_json_beta_data_path() -> None:
    """Sessions under the older _embedded.data.sessions path are read too."""
    page = _parse({"_embedded": {"data": {"sessions": [_session(3)]}}})

    assert [session.id for session in page] == ["SES-3"]


def test_page_from_json_body_page_size() -> None:
    """A valid page_size in the body wins over the requested one."""
    assert _parse({"page_size": 20}, page_size=10).page_size == 20


@pytest.mark.parametrize("size", [0, 101, "20", True, None])
def test_page_from_json_invalid_body_page_size(size: object) -> None:
    """An invalid page_size in the body is ignored in favour of the requested one."""
    assert _parse({"page_size": size}, page_size=7).page_size == 7


def test_page_from_json_links() -> None:
    """Cursors are taken from the next and prev links, and has_next/has_prev report them."""
    page = _parse(
        {
            "_links": {
                "first": {"href": f"{BASE}?order=asc&page_size=10"},
                "self": {"href": f"{BASE}?order=asc&page_size=10&cursor=c2VsZg"},
                "next": {"href": f"{BASE}?order=asc&page_size=10&cursor=bmV4dA%3D%3D"},
                "prev": {"href": f"{BASE}?cursor=cHJldg&order=asc"},
            }
        }
    )

    assert page.next_cursor == "bmV4dA=="
    assert page.prev_cursor == "cHJldg"
    assert page.has_next()
    assert page.is_next_page_exist()
    assert page.has_prev()
    assert page.is_prev_page_exist()


def test_page_links_not_in_repr() -> None:
    """The cursors are left out of repr, which stays short."""
    page = _parse({"_links": {"next": {"href": f"{BASE}?cursor=c2VjcmV0"}}})

    assert "c2VjcmV0" not in repr(page)


@pytest.mark.parametrize(
    "body",
    [
        {"_links": {"next": {"href": f"{BASE}?order=asc"}}},
        {"_links": {"prev": {}}},
        {"_links": {"next": "href"}},
        {"_links": []},
        {"_embedded": {"sessions": {"id": "SES-1"}}},
        {"_embedded": {"sessions": [_session(1), "SES-2"]}},
        {"_embedded": []},
        [],
        "page",
        None,
    ],
)
def test_page_from_json_malformed(body: object) -> None:
    """Malformed pages, including a neighbour link without a cursor, raise
    NexmoBadResponseError."""
    with pytest.raises(NexmoBadResponseError):
        _parse(body)


@given(body=session_page_bodies)
@settings(max_examples=300, deadline=None)
def test_page_parser_raises_only_api_errors(body: Any) -> None:
    """The page parser returns a page or raises NexmoApiError for any JSON value."""
    outcome: object
    try:
        outcome = _parse(body)
    except NexmoApiError as error:
        outcome = error

    assert isinstance(outcome, NexmoUserSessionsPage | NexmoBadResponseError)


@pytest.mark.parametrize(
    ("href", "cursor"),
    [
        (f"{BASE}?order=asc&cursor=a+b/c==", "a+b/c=="),
        (f"{BASE}?cursor=a+b/c==&order=asc", "a+b/c=="),
        (f"{BASE}?cursor=a%2Bb%2Fc%3D%3D", "a+b/c=="),
        ("/v1/users/USR-1/sessions?page_size=2&cursor=xyz", "xyz"),
        ("?cursor=only", "only"),
        ("https://elsewhere.invalid/v1/x?cursor=abc#fragment", "abc"),
    ],
)
def test_cursor_from_href_found(href: str, cursor: str) -> None:
    """The cursor is found anywhere in the query, with a literal '+' kept as '+'."""
    assert cursor_from_href(href) == cursor


@pytest.mark.parametrize(
    "href",
    [BASE, f"{BASE}?order=asc", f"{BASE}?cursor=", f"{BASE}?xcursor=abc", f"{BASE}#cursor=abc"],
)
def test_cursor_from_href_absent(href: str) -> None:
    """An href without a non-empty cursor parameter returns None."""
    assert cursor_from_href(href) is None


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("asc", NexmoPageOrder.ASC),
        ("ASC", NexmoPageOrder.ASC),
        ("Desc", NexmoPageOrder.DESC),
        (NexmoPageOrder.NexmoMPageOrderAsc, NexmoPageOrder.ASC),
        (NexmoPageOrder.NexmoMPageOrderDesc, NexmoPageOrder.DESC),
    ],
)
def test_page_order_values(value: str, member: NexmoPageOrder) -> None:
    """Strings in any case and Android's aliases map to ASC and DESC."""
    assert NexmoPageOrder(value) is member


def test_page_order_is_str() -> None:
    """The order compares equal to its wire value."""
    assert NexmoPageOrder.ASC == "asc"
    assert NexmoPageOrder.NexmoMPageOrderDesc == "desc"
    assert NexmoPageOrder.NexmoMPageOrderAsc is NexmoPageOrder.ASC


def test_page_order_invalid() -> None:
    """A string other than asc or desc raises ValueError."""
    with pytest.raises(ValueError, match="ascending"):
        NexmoPageOrder("ascending")


def test_users_page_from_json() -> None:
    """The users list yields its users and the next cursor."""
    page = UsersPage.from_json(
        {
            "_embedded": {"users": [{"id": "USR-1", "name": "alice"}]},
            "_links": {"next": {"href": "/v1/users?name=alice&cursor=abc"}},
        }
    )

    assert [user.name for user in page.users] == ["alice"]
    assert page.next_cursor == "abc"


@pytest.mark.parametrize("body", [{}, {"_embedded": {}}])
def test_users_page_from_json_empty(body: dict[str, Any]) -> None:
    """A users list without users is empty."""
    assert UsersPage.from_json(body).users == ()


@pytest.mark.parametrize("body", [[], {"_embedded": {"users": {}}}, {"_embedded": "x"}])
def test_users_page_from_json_malformed(body: object) -> None:
    """A malformed users list raises NexmoBadResponseError."""
    with pytest.raises(NexmoBadResponseError):
        UsersPage.from_json(body)
