"""The argument rule of the calls.

What Kotlin's compiler would reject raises at the call: a listener without callable
``on_success``/``on_error``, a user id that is not a str, a page size that is not an int (a
bool is not one) and an order that is neither a ``NexmoPageOrder`` nor a str raise
TypeError, and an order string other than asc/desc raises ValueError. What the Android SDK
reports at run time (an empty user id, a dot segment, a page size outside 1..100, no token)
is returned here as a NexmoValidationError, which the client delivers to ``on_error``
without sending a request.
"""

from __future__ import annotations

from nexmo_client.errors import NexmoValidationError
from nexmo_client.pages import MAX_PAGE_SIZE, MIN_PAGE_SIZE, NexmoPageOrder


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def check_listener(listener: object, *, method: str) -> None:
    """Raise TypeError unless ``listener`` is None or has callable ``on_success`` and
    ``on_error``."""
    if listener is None:
        return
    for name in ("on_success", "on_error"):
        if not callable(getattr(listener, name, None)):
            raise TypeError(
                f"{method}: the listener {type(listener).__name__} has no callable {name}; "
                "pass a NexmoRequestListener subclass, NexmoRequestListener(on_success=..., "
                "on_error=...), an object with both methods, or None"
            )


def check_user_id_type(user_id: object, *, method: str) -> None:
    """Raise TypeError unless ``user_id`` is a str."""
    if not isinstance(user_id, str):
        raise TypeError(
            f"{method}: user_id must be a str such as 'USR-82e028d9-...', got {_describe(user_id)}"
        )


def check_page_size_type(page_size: object, *, method: str) -> None:
    """Raise TypeError unless ``page_size`` is an int; a bool is rejected."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(
            f"{method}: page_size must be an int from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE}, "
            f"got {_describe(page_size)}"
        )


def parse_order(order: object, *, method: str) -> NexmoPageOrder:
    """Return ``order`` as a NexmoPageOrder.

    Raises:
        TypeError: ``order`` is not a str (NexmoPageOrder is one).
        ValueError: a string other than ``asc`` or ``desc`` in any case.
    """
    if not isinstance(order, str):
        raise TypeError(
            f"{method}: order must be NexmoPageOrder.ASC, NexmoPageOrder.DESC, 'asc' or "
            f"'desc', got {_describe(order)}"
        )
    try:
        return NexmoPageOrder(order)
    except ValueError:
        raise ValueError(
            f"{method}: order {order!r} is invalid; pass NexmoPageOrder.ASC, "
            "NexmoPageOrder.DESC, 'asc' or 'desc'"
        ) from None


def user_id_error(user_id: str) -> NexmoValidationError | None:
    """Return the validation error for a user id that cannot name a user, or None."""
    if not user_id:
        return NexmoValidationError(
            "user_id is empty; pass the id of a user, such as 'USR-82e028d9-...'"
        )
    # A dot segment would be removed by URL normalisation on the way to the server, so the
    # request would reach the users list or the API root instead of this user.
    if user_id in (".", ".."):
        return NexmoValidationError(
            f"user_id {user_id!r} is a dot segment, which cannot name a user; "
            "pass the id of a user, such as 'USR-82e028d9-...'"
        )
    try:
        user_id.encode("utf-8")
    except UnicodeEncodeError as error:
        # A lone surrogate, which a Java string can carry but UTF-8 cannot encode.
        return NexmoValidationError(
            f"user_id contains the lone surrogate U+{ord(user_id[error.start]):04X} at index "
            f"{error.start}, which cannot be sent; pass the id as valid Unicode text"
        )
    return None


def page_size_error(page_size: int) -> NexmoValidationError | None:
    """Return the validation error for a page size outside 1..100, or None."""
    if MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE:
        return None
    return NexmoValidationError(
        f"page_size {page_size} is out of range; pass an int from {MIN_PAGE_SIZE} to "
        f"{MAX_PAGE_SIZE}"
    )


def token_error(token: str) -> str | None:
    """Return why ``token`` cannot be sent as a bearer token, or None.

    The message never contains the token itself, only the position of a bad character.
    """
    if not token:
        return "the token is empty"
    for index, character in enumerate(token):
        # An HTTP header value cannot carry control characters, and a bearer token
        # (RFC 6750, section 2.1) has no spaces or characters outside printable ASCII.
        if not "\x21" <= character <= "\x7e":
            return f"the token contains a space, control or non-ASCII character at index {index}"
    return None
