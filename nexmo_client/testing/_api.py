"""The Conversation API's user and session endpoints: from a parsed request to a response.

This module has no socket code, so the server can apply faults around it. Checks run in
this order, so each error case can be produced alone: the path and method (404, 405), the
token (401, 403), the query parameters (400), then the user (404).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote, urlencode

from nexmo_client.testing._cursors import CursorCodec, CursorState, InvalidCursorError
from nexmo_client.testing._pagination import Direction, Order, Page, PageWindow
from nexmo_client.testing._responses import (
    INVALID_CURSOR,
    METHOD_NOT_ALLOWED,
    PATH_NOT_FOUND,
    USER_NOT_FOUND,
    VALIDATION_FAIL,
    ApiError,
    Response,
    json_response,
)
from nexmo_client.testing._store import SessionRecord, Store, StoredUser
from nexmo_client.testing._tokens import TokenAuthority, TokenRejectedError

VERSIONS = ("v1", "v0.3")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
_PAGE_SIZE_PATTERN = re.compile(r"[0-9]{1,4}")

RouteKind = Literal["users", "user", "sessions"]


@dataclass(frozen=True, slots=True)
class Route:
    """A known endpoint: which one, the API version, and the decoded user id when it names one."""

    kind: RouteKind
    version: str
    user_id: str | None


def split_path(raw_path: str) -> list[str]:
    """Split a percent-encoded path into decoded segments, so ``%2F`` stays inside a segment.

    Bytes that are not UTF-8 become lone surrogates, which match no user.
    """
    return [unquote(part, errors="surrogateescape") for part in raw_path.split("/")[1:]]


def match_route(segments: Sequence[str]) -> Route | None:
    """Return the endpoint that these path segments name, or ``None``."""
    if len(segments) < 2 or segments[0] not in VERSIONS or segments[1] != "users":
        return None
    version = segments[0]
    if len(segments) == 2:
        return Route("users", version, None)
    user_id = segments[2]
    if not user_id:
        return None
    if len(segments) == 3:
        return Route("user", version, user_id)
    if len(segments) == 4 and segments[3] == "sessions":
        return Route("sessions", version, user_id)
    return None


def route_user_id(raw_path: str) -> str | None:
    """Return the decoded user id that a request path names, or ``None``."""
    route = match_route(split_path(raw_path))
    return route.user_id if route is not None else None


def _iso_timestamp(record: SessionRecord) -> str:
    return record.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class _ListQuery:
    order: Order
    page_size: int
    cursor: str | None
    window: PageWindow


class ConversationApi:
    """The endpoints over one store. Thread-safe, because the store and the codecs are."""

    def __init__(self, store: Store, tokens: TokenAuthority, cursors: CursorCodec) -> None:
        self.store = store
        self.tokens = tokens
        self.cursors = cursors

    def respond(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        authorization: Sequence[str],
        base_url: str,
    ) -> Response:
        """Return the response to one request, with errors as error bodies, never exceptions.

        ``raw_path`` is the path as sent, still percent-encoded. ``query`` contains the decoded
        query pairs, and ``authorization`` the values of every ``Authorization`` header.
        """
        try:
            return self._respond(method, raw_path, query, authorization, base_url)
        except ApiError as error:
            return error.to_response()

    def _respond(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        authorization: Sequence[str],
        base_url: str,
    ) -> Response:
        segments = split_path(raw_path)
        route = match_route(segments)
        if route is None:
            raise ApiError(404, PATH_NOT_FOUND, "No endpoint has this path.")
        if method != "GET":
            raise ApiError(
                405,
                METHOD_NOT_ALLOWED,
                f"{method} is not allowed on this path; use GET.",
                headers=(("Allow", "GET"),),
            )

        try:
            self.tokens.check(authorization, segments)
        except TokenRejectedError as error:
            raise ApiError(error.status, error.code, error.detail) from error

        if route.kind == "users":
            return self._users(route, query, base_url)
        assert route.user_id is not None
        if route.kind == "user":
            return self._user(route, route.user_id, base_url)
        return self._sessions(route, route.user_id, query, base_url)

    # Endpoints

    def _user(self, route: Route, user_id: str, base_url: str) -> Response:
        user = self.store.user(user_id)
        if user is None:
            raise _user_not_found()
        return json_response(200, self._user_document(route, user, base_url))

    def _users(self, route: Route, query: Sequence[tuple[str, str]], base_url: str) -> Response:
        name = _single_value(query, "name")
        scope = "users" if name is None else f"users:name={name}"
        request = self._list_query(query, scope)
        page = self.store.user_page(name, request.window)

        path = f"{base_url}/{route.version}/users"
        filters = [] if name is None else [("name", name)]
        return json_response(
            200,
            {
                "page_size": request.page_size,
                "_embedded": {
                    "users": [self._user_document(route, user, base_url) for user in page.items]
                },
                "_links": self._links(path, filters, scope, request, page),
            },
        )

    def _sessions(
        self, route: Route, user_id: str, query: Sequence[tuple[str, str]], base_url: str
    ) -> Response:
        scope = f"sessions:{user_id}"
        request = self._list_query(query, scope)
        selected = self.store.session_page(user_id, request.window)
        if selected is None:
            raise _user_not_found()
        user, page = selected

        path = f"{base_url}/{route.version}/users/{quote(user_id, safe='')}/sessions"
        sessions = [
            {
                "id": record.id,
                "created_at": _iso_timestamp(record),
                "_embedded": {"user": {"id": user.id, "name": user.name}},
            }
            for record in page.items
        ]
        return json_response(
            200,
            {
                "page_size": request.page_size,
                "_embedded": {"sessions": sessions},
                "_links": self._links(path, [], scope, request, page),
            },
        )

    # Helpers

    def _user_document(self, route: Route, user: StoredUser, base_url: str) -> dict[str, Any]:
        href = f"{base_url}/{route.version}/users/{quote(user.id, safe='')}"
        return {
            "id": user.id,
            "name": user.name,
            "display_name": user.display_name,
            "image_url": user.image_url,
            "_links": {"self": {"href": href}},
        }

    def _list_query(self, query: Sequence[tuple[str, str]], scope: str) -> _ListQuery:
        """Validate ``page_size``, ``order`` and ``cursor`` and return the page to select."""
        invalid: list[tuple[str, str]] = []
        counts = Counter(name for name, _ in query)
        for name in ("page_size", "order", "cursor", "name"):
            if counts[name] > 1:
                invalid.append(
                    (name, f"must be given at most once, was given {counts[name]} times")
                )

        page_size = DEFAULT_PAGE_SIZE
        page_size_text = _single_value(query, "page_size")
        if page_size_text is not None:
            if _PAGE_SIZE_PATTERN.fullmatch(page_size_text) and (
                1 <= int(page_size_text) <= MAX_PAGE_SIZE
            ):
                page_size = int(page_size_text)
            else:
                invalid.append(
                    (
                        "page_size",
                        f"must be an integer from 1 to {MAX_PAGE_SIZE}, got {page_size_text!r}",
                    )
                )

        order: Order = "asc"
        order_text = _single_value(query, "order")
        if order_text is not None:
            lowered = order_text.lower()
            if lowered == "asc":
                order = "asc"
            elif lowered == "desc":
                order = "desc"
            else:
                invalid.append(("order", f"must be asc or desc, got {order_text!r}"))

        if invalid:
            raise ApiError(
                400,
                VALIDATION_FAIL,
                "Invalid query parameters: " + ", ".join(name for name, _ in invalid) + ".",
                invalid_parameters=invalid,
            )

        # An empty cursor is the same as none: clients send the parameter only when non-empty.
        cursor = _single_value(query, "cursor") or None
        if cursor is None:
            return _ListQuery(order, page_size, None, PageWindow(order, page_size))

        try:
            state = self.cursors.decode(cursor)
        except InvalidCursorError as error:
            raise _invalid_cursor(f"The cursor is invalid: {error}.") from error
        if state.scope != scope:
            raise _invalid_cursor("The cursor belongs to another list; request its first page.")
        if state.order != order:
            raise _invalid_cursor(
                f"The cursor was issued for order={state.order}, not order={order}."
            )
        if state.page_size != page_size:
            raise _invalid_cursor(
                f"The cursor was issued for page_size={state.page_size}, not page_size={page_size}."
            )
        window = PageWindow(order, page_size, state.direction, state.anchor, state.inclusive)
        return _ListQuery(order, page_size, cursor, window)

    def _links(
        self,
        path: str,
        filters: list[tuple[str, str]],
        scope: str,
        request: _ListQuery,
        page: Page[Any],
    ) -> dict[str, dict[str, str]]:
        """Build the absolute HAL links, with ``next`` and ``prev`` only when items lie beyond."""
        base_pairs = [*filters, ("order", request.order), ("page_size", str(request.page_size))]

        def href(cursor: str | None) -> str:
            pairs = base_pairs if cursor is None else [*base_pairs, ("cursor", cursor)]
            return f"{path}?{urlencode(pairs)}"

        def cursor_for(direction: Direction, anchor: tuple[int, ...], inclusive: bool) -> str:
            state = CursorState(
                scope, request.order, request.page_size, direction, anchor, inclusive
            )
            return self.cursors.encode(state)

        links = {"first": {"href": href(None)}, "self": {"href": href(request.cursor)}}
        window = request.window
        if page.first_key is not None and page.last_key is not None:
            if page.has_after:
                links["next"] = {"href": href(cursor_for("after", page.last_key, False))}
            if page.has_before:
                links["prev"] = {"href": href(cursor_for("before", page.first_key, False))}
        elif window.direction is not None:
            # The page after a cursor is empty when its items were closed meanwhile. The way
            # back starts at the anchor, which is included exactly when this request excluded it.
            if window.direction == "after" and page.has_before:
                links["prev"] = {
                    "href": href(cursor_for("before", window.anchor, not window.inclusive))
                }
            if window.direction == "before" and page.has_after:
                links["next"] = {
                    "href": href(cursor_for("after", window.anchor, not window.inclusive))
                }
        return links


def _single_value(query: Sequence[tuple[str, str]], name: str) -> str | None:
    for key, value in query:
        if key == name:
            return value
    return None


def _user_not_found() -> ApiError:
    return ApiError(404, USER_NOT_FOUND, "User does not exist, or you do not have access.")


def _invalid_cursor(detail: str) -> ApiError:
    return ApiError(400, INVALID_CURSOR, detail, invalid_parameters=(("cursor", detail),))
