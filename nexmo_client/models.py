"""Users and sessions, parsed from the Conversation API's JSON.

Each class is built from wire data by its ``from_json`` classmethod, which is the only place
its JSON field names appear. A missing or mistyped required field raises
:class:`~nexmo_client.errors.NexmoBadResponseError`, never ``KeyError`` or ``TypeError``.
Fields that the class does not model are kept, read-only, in ``extra_fields``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from nexmo_client.errors import NexmoBadResponseError

if TYPE_CHECKING:
    from nexmo_client.client import NexmoClient
    from nexmo_client.listener import RequestListener
    from nexmo_client.pages import NexmoPageOrder, NexmoUserSessionsPage


def _frozen_mapping(fields: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(fields))


def require_object(value: object, what: str) -> Mapping[str, Any]:
    """Return ``value`` as a JSON object, or raise NexmoBadResponseError naming ``what``."""
    # json.loads returns plain dicts, and this exact-type test skips the ABC instance check
    # (a Python-level call) that isinstance(value, Mapping) makes for every object of a page.
    if type(value) is dict:
        return value
    if not isinstance(value, Mapping):
        raise NexmoBadResponseError(
            f"Invalid response: {what} is {type(value).__name__}, expected a JSON object"
        )
    return value


def require_text(fields: Mapping[str, Any], key: str, what: str) -> str:
    """Return the non-empty string ``fields[key]``, or raise NexmoBadResponseError."""
    value = fields.get(key)
    if not isinstance(value, str) or not value:
        found = "missing" if value is None else f"{type(value).__name__} {value!r}"
        raise NexmoBadResponseError(
            f"Invalid response: {what} field {key!r} is {found}, expected a non-empty string"
        )
    return value


def _optional_text(fields: Mapping[str, Any], key: str) -> str | None:
    # Optional fields are read tolerantly: a mistyped one is treated as absent, because
    # failing the whole call over a display name would hide the sessions.
    value = fields.get(key)
    return value if isinstance(value, str) else None


@attrs.frozen
class NexmoUser:
    """A user of the application, as Android's ``NexmoUser``.

    A user that a call returned is bound to that client, so ``user.get_sessions(...)`` works.
    The binding is not part of equality, hashing or ``repr``.
    """

    id: str
    name: str
    display_name: str | None = None
    image_url: str | None = None
    extra_fields: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_mapping, hash=False
    )
    _client: NexmoClient | None = attrs.field(default=None, eq=False, repr=False, alias="client")

    @classmethod
    def from_json(
        cls, data: object, *, client: NexmoClient | None = None, what: str = "user"
    ) -> NexmoUser:
        """Parse a user object: ``id`` and ``name`` are required.

        Raises:
            NexmoBadResponseError: ``data`` is not an object or a required field is
                missing or not a string.
        """
        fields = require_object(data, what)
        known = ("id", "name", "display_name", "image_url")
        return cls(
            id=require_text(fields, "id", what),
            name=require_text(fields, "name", what),
            display_name=_optional_text(fields, "display_name"),
            image_url=_optional_text(fields, "image_url"),
            extra_fields={key: value for key, value in fields.items() if key not in known},
            client=client,
        )

    def get_sessions(
        self,
        page_size: int = 10,
        order: NexmoPageOrder | str = "asc",
        listener: RequestListener[NexmoUserSessionsPage] | None = None,
    ) -> Future[NexmoUserSessionsPage]:
        """Fetch the first page of this user's sessions, as Android's ``user.getSessions``.

        This is ``client.get_user_sessions(user.id, page_size, order, listener)`` on the
        client that returned this user, with the same contract. It returns a Future at once.
        Exactly one of the listener's callbacks runs, once, on the client's callback
        executor, and then the Future resolves. Type errors in the arguments raise here,
        while values that Android reports at run time go to ``on_error``. After the client's
        ``close()`` this raises RuntimeError.

        Raises:
            RuntimeError: this user was built by hand and is bound to no client, or the
                client is closed.
        """
        client = self._client
        if client is None:
            raise RuntimeError(
                f"NexmoUser {self.id!r} is bound to no client, because it was not returned by "
                "one; call client.get_user_sessions(user.id, ...) instead"
            )
        return client.get_user_sessions(self.id, page_size, order, listener)

    # Android-shaped getters, so that ported code such as ``user.getName()`` translates
    # mechanically.
    def get_id(self) -> str:
        """Return the user id, as Android's ``getId()``."""
        return self.id

    def get_name(self) -> str:
        """Return the user name, as Android's ``getName()``."""
        return self.name

    def get_display_name(self) -> str | None:
        """Return the display name, as Android's ``getDisplayName()``."""
        return self.display_name

    def get_image_url(self) -> str | None:
        """Return the image URL, as Android's ``getImageUrl()``."""
        return self.image_url


@attrs.frozen
class NexmoUserSession:
    """One session of a user: the live connection of one Client SDK login.

    A session in a page means that the user was recently connected.
    """

    id: str
    user: NexmoUser
    extra_fields: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_mapping, hash=False
    )

    @classmethod
    def from_json(
        cls, data: object, *, client: NexmoClient | None = None, what: str = "session"
    ) -> NexmoUserSession:
        """Parse a session object: ``id`` and ``_embedded.user`` are required.

        Raises:
            NexmoBadResponseError: a required field is missing or mistyped.
        """
        fields = require_object(data, what)
        session_id = require_text(fields, "id", what)
        embedded = require_object(fields.get("_embedded"), f"{what} field '_embedded'")
        user = NexmoUser.from_json(embedded.get("user"), client=client, what=f"{what} user")

        extra = {key: value for key, value in fields.items() if key not in ("id", "_embedded")}
        embedded_rest = {key: value for key, value in embedded.items() if key != "user"}
        if embedded_rest:
            extra["_embedded"] = embedded_rest
        return cls(id=session_id, user=user, extra_fields=extra)

    def get_id(self) -> str:
        """Return the session id, as Android's ``getId()``."""
        return self.id

    def get_user(self) -> NexmoUser:
        """Return the session's user, as Android's ``getUser()``."""
        return self.user
