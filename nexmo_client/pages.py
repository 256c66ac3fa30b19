"""Pages of a user's sessions, and the page order.

The Conversation API returns sessions in HAL pages: items under ``_embedded.sessions`` and
links to the neighbouring pages under ``_links.next`` and ``_links.prev``, whose ``cursor``
query parameter is the only thing the client takes from them. Requests for a neighbouring
page go to the client's configured host whatever host a link names, so the token never goes
anywhere else.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import attrs

from nexmo_client.errors import NexmoBadResponseError
from nexmo_client.models import NexmoUser, NexmoUserSession, require_object

if TYPE_CHECKING:
    from nexmo_client.client import NexmoClient
    from nexmo_client.listener import RequestListener

MIN_PAGE_SIZE = 1
MAX_PAGE_SIZE = 100


class NexmoPageOrder(enum.StrEnum):
    """The order of a page by creation time, as Android's ``NexmoPageOrder``.

    A ``str`` enum, so ``"asc"`` and ``"desc"`` (in any case) work wherever an order is
    accepted. ``NexmoMPageOrderAsc`` and ``NexmoMPageOrderDesc`` are Android's names for
    ``ASC`` and ``DESC``.
    """

    ASC = "asc"
    DESC = "desc"
    NexmoMPageOrderAsc = "asc"
    NexmoMPageOrderDesc = "desc"

    @classmethod
    def _missing_(cls, value: object) -> NexmoPageOrder | None:
        # The server accepts upper case, so ``NexmoPageOrder("ASC")`` is accepted as well.
        if isinstance(value, str):
            lowered = value.lower()
            for member in cls:
                if member.value == lowered:
                    return member
        return None


def cursor_from_href(href: str) -> str | None:
    """Return the ``cursor`` query parameter of a link, or None when it has none.

    The query is split by hand because ``urllib.parse.parse_qsl`` decodes ``+`` as a space,
    and a base64 cursor contains ``+`` but never a space. ``unquote`` keeps a literal ``+``
    and still decodes ``%2B``. The cursor may be the first query parameter.
    """
    query = urlsplit(href).query
    for part in query.split("&"):
        name, separator, value = part.partition("=")
        if separator and unquote(name) == "cursor" and value:
            return unquote(value)
    return None


def _link_cursor(links: Mapping[str, Any], relation: str) -> str | None:
    link = links.get(relation)
    if link is None:
        return None
    link_fields = require_object(link, f"page field '_links.{relation}'")
    href = link_fields.get("href")
    if not isinstance(href, str):
        raise NexmoBadResponseError(
            f"Invalid response: page link '_links.{relation}' has no string 'href'"
        )
    cursor = cursor_from_href(href)
    if cursor is None:
        # A neighbour link without a cursor cannot be followed, and ignoring it would
        # silently hide the rest of the sessions.
        raise NexmoBadResponseError(
            f"Invalid response: page link '_links.{relation}' has no cursor in its query"
        )
    return cursor


def _session_items(body: Mapping[str, Any]) -> list[Any]:
    embedded = body.get("_embedded")
    if embedded is None:
        return []
    embedded = require_object(embedded, "page field '_embedded'")

    items = embedded.get("sessions")
    if items is None:
        # Older beta paths put the items under ``_embedded.data.sessions``.
        data = embedded.get("data")
        if data is None:
            return []
        items = require_object(data, "page field '_embedded.data'").get("sessions")
        if items is None:
            return []
    if not isinstance(items, list):
        raise NexmoBadResponseError(
            f"Invalid response: page field 'sessions' is {type(items).__name__}, "
            "expected a JSON array"
        )
    return items


@attrs.frozen
class NexmoUserSessionsPage:
    """One page of a user's sessions, as Android's ``NexmoUserSessionsPage``.

    ``len(page)`` and iteration cover ``data``. An empty page is a success: the user is
    offline. The neighbouring pages are fetched with the same user, page size and order,
    with the client's current token. The binding to the client is not part of equality,
    hashing or ``repr``.
    """

    data: tuple[NexmoUserSession, ...]
    page_size: int
    order: NexmoPageOrder
    user_id: str
    next_cursor: str | None = attrs.field(default=None, repr=False)
    prev_cursor: str | None = attrs.field(default=None, repr=False)
    _client: NexmoClient | None = attrs.field(default=None, eq=False, repr=False, alias="client")

    @classmethod
    def from_json(
        cls,
        body: object,
        *,
        user_id: str,
        page_size: int,
        order: NexmoPageOrder,
        client: NexmoClient | None = None,
    ) -> NexmoUserSessionsPage:
        """Parse a sessions page for the request that ``user_id``, ``page_size`` and
        ``order`` describe.

        ``{}`` or a body without ``_embedded`` is an empty page; ``_embedded.data.sessions``
        is accepted as well as ``_embedded.sessions``. The body's ``page_size`` wins over the
        requested one when it is a valid size, as in the legacy SDKs.

        Raises:
            NexmoBadResponseError: the body is not an object, a session is malformed, or a
                ``next``/``prev`` link has no cursor.
        """
        fields = require_object(body, "page")
        items = _session_items(fields)
        sessions = tuple(
            NexmoUserSession.from_json(item, client=client, what=f"session {index}")
            for index, item in enumerate(items)
        )

        links = fields.get("_links")
        next_cursor = prev_cursor = None
        if links is not None:
            links = require_object(links, "page field '_links'")
            next_cursor = _link_cursor(links, "next")
            prev_cursor = _link_cursor(links, "prev")

        body_page_size = fields.get("page_size")
        if (
            isinstance(body_page_size, int)
            and not isinstance(body_page_size, bool)
            and MIN_PAGE_SIZE <= body_page_size <= MAX_PAGE_SIZE
        ):
            page_size = body_page_size

        return cls(
            data=sessions,
            page_size=page_size,
            order=order,
            user_id=user_id,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            client=client,
        )

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[NexmoUserSession]:
        return iter(self.data)

    def get_data(self) -> tuple[NexmoUserSession, ...]:
        """Return the sessions of this page, as Android's ``getData()``."""
        return self.data

    def get_page_size(self) -> int:
        """Return the page size, as Android's ``getPageSize()``."""
        return self.page_size

    def get_order(self) -> NexmoPageOrder:
        """Return the page order, as Android's ``getOrder()``."""
        return self.order

    def has_next(self) -> bool:
        """Return whether a next page exists."""
        return self.next_cursor is not None

    def has_prev(self) -> bool:
        """Return whether a previous page exists."""
        return self.prev_cursor is not None

    def is_next_page_exist(self) -> bool:
        """Return whether a next page exists, as Android's ``isNextPageExist()``."""
        return self.has_next()

    def is_prev_page_exist(self) -> bool:
        """Return whether a previous page exists, as Android's ``isPrevPageExist()``."""
        return self.has_prev()

    def get_next(
        self, listener: RequestListener[NexmoUserSessionsPage] | None = None
    ) -> Future[NexmoUserSessionsPage]:
        """Fetch the next page, as Android's ``getNext(listener)``.

        Returns a Future at once. Exactly one of the listener's callbacks runs, once, on the
        client's callback executor, and then the Future resolves. A listener without
        callable ``on_success``/``on_error`` raises TypeError here. When there is no next
        page, ``on_error`` receives a NexmoValidationError and no request is sent. After the
        client's ``close()`` this raises RuntimeError.

        Raises:
            RuntimeError: the page was built by hand and is bound to no client, or the
                client is closed.
        """
        return self._bound_client()._fetch_neighbour_page(self, "next", self.next_cursor, listener)

    def get_prev(
        self, listener: RequestListener[NexmoUserSessionsPage] | None = None
    ) -> Future[NexmoUserSessionsPage]:
        """Fetch the previous page, as Android's ``getPrev(listener)``.

        The same contract as :meth:`get_next`, for the previous page.
        """
        return self._bound_client()._fetch_neighbour_page(self, "prev", self.prev_cursor, listener)

    def _bound_client(self) -> NexmoClient:
        if self._client is None:
            raise RuntimeError(
                "This NexmoUserSessionsPage is bound to no client, because it was not "
                "returned by one; fetch pages with client.get_user_sessions(...)"
            )
        return self._client


@attrs.frozen
class UsersPage:
    """One page of the users list (``GET /{version}/users``), used by ``login`` to find the
    user behind a token's ``sub`` claim. Not public: Android has no users list call."""

    users: tuple[NexmoUser, ...]
    next_cursor: str | None = None

    @classmethod
    def from_json(cls, body: object, *, client: NexmoClient | None = None) -> UsersPage:
        """Parse a users page: items under ``_embedded.users``; ``{}`` is an empty page.

        Raises:
            NexmoBadResponseError: the body, a user or the ``next`` link is malformed.
        """
        fields = require_object(body, "users page")
        items: Any = []
        embedded = fields.get("_embedded")
        if embedded is not None:
            items = require_object(embedded, "users page field '_embedded'").get("users", [])
        if not isinstance(items, list):
            raise NexmoBadResponseError(
                f"Invalid response: users page field 'users' is {type(items).__name__}, "
                "expected a JSON array"
            )
        users = tuple(
            NexmoUser.from_json(item, client=client, what=f"user {index}")
            for index, item in enumerate(items)
        )

        next_cursor = None
        links = fields.get("_links")
        if links is not None:
            next_cursor = _link_cursor(require_object(links, "users page field '_links'"), "next")
        return cls(users=users, next_cursor=next_cursor)
