"""The stand-in server's data: users and their open sessions, safe to change from any thread."""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from bisect import insort
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nexmo_client.testing._pagination import Page, PageWindow, select_page

# A position in creation order: (created_at in microseconds since the epoch, sequence number).
# The sequence number breaks ties, so two sessions created in the same microsecond keep the
# order in which they were opened.
SortKey = tuple[int, int]


@dataclass(frozen=True, slots=True)
class StoredUser:
    """A user of the stand-in server. Paths name its ``id``, and tokens its ``name`` (``sub``)."""

    id: str
    name: str
    display_name: str | None = None
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """An open session: its id, its user's id, its creation time (UTC) and its sort key."""

    id: str
    user_id: str
    created_at: datetime
    key: SortKey


def _micros(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _check_id(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"invalid {kind} id {value!r}: expected a non-empty string")
    if value in (".", ".."):
        # A dot segment is removed from a URL path by clients and proxies, so no request
        # could ever name this id.
        raise ValueError(f"invalid {kind} id {value!r}: a dot segment cannot be a path segment")
    return value


class Store:
    """Users and their open sessions, in creation order.

    Every method may be called from any thread, also while a server is serving the store:
    one lock guards all state, and requests see each change as a whole or not at all.
    User names are unique, as the JWT ``sub`` claim names a user.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._users: dict[str, StoredUser] = {}
        self._user_ids_by_name: dict[str, str] = {}
        # (sort key, user) pairs, sorted by key. Users are keyed by sequence number only.
        self._user_order: list[tuple[SortKey, StoredUser]] = []
        self._sessions: dict[str, SessionRecord] = {}
        self._sessions_by_user: dict[str, list[SessionRecord]] = {}

    @classmethod
    def from_seed_file(cls, path: str | os.PathLike[str]) -> Store:
        """Build a store from a JSON seed file (the format is in the package docstring).

        Raises:
            OSError: the file cannot be read.
            ValueError: the file is not valid JSON or an entry is invalid. The message names
                the file and the entry, for example ``users[2].sessions[0].created_at``.
        """
        from nexmo_client.testing._seed import load_seed_file

        store = cls()
        load_seed_file(store, path)
        return store

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any]) -> Store:
        """Build a store from a seed that is already parsed, such as ``json.load`` returns.

        Raises:
            ValueError: an entry is invalid. The message names it.
        """
        from nexmo_client.testing._seed import load_seed

        store = cls()
        load_seed(store, seed, source="seed")
        return store

    def add_user(
        self,
        name: str,
        display_name: str | None = None,
        user_id: str | None = None,
        image_url: str | None = None,
    ) -> StoredUser:
        """Add a user and return it. The id is ``USR-<uuid4>`` when ``user_id`` is ``None``.

        Raises:
            ValueError: the name or id is empty, the id is ``.`` or ``..``, or another user
                already has this name or id.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"invalid user name {name!r}: expected a non-empty string")
        if user_id is None:
            user_id = f"USR-{uuid.uuid4()}"
        user = StoredUser(_check_id("user", user_id), name, display_name, image_url)
        with self._lock:
            if user.id in self._users:
                raise ValueError(f"a user with id {user.id!r} already exists")
            if name in self._user_ids_by_name:
                raise ValueError(f"a user named {name!r} already exists")
            self._users[user.id] = user
            self._user_ids_by_name[name] = user.id
            self._user_order.append(((0, next(self._sequence)), user))
            self._sessions_by_user[user.id] = []
        return user

    def open_session(
        self,
        user_id: str,
        session_id: str | None = None,
        *,
        created_at: datetime | None = None,
    ) -> str:
        """Open a session for a user and return its id, ``SES-<uuid4>`` when not given.

        ``created_at`` defaults to now and must be timezone-aware. Sessions are listed by it,
        and sessions with the same time in the order they were opened.

        Raises:
            KeyError: no user has this id.
            ValueError: the session id is empty, a dot segment or already in use, or
                ``created_at`` has no timezone.
        """
        if session_id is None:
            session_id = f"SES-{uuid.uuid4()}"
        _check_id("session", session_id)
        if created_at is None:
            created_at = datetime.now(UTC)
        elif created_at.tzinfo is None or created_at.utcoffset() is None:
            raise ValueError(f"created_at {created_at.isoformat()} has no timezone; add one")
        created_at = created_at.astimezone(UTC)
        with self._lock:
            sessions = self._sessions_by_user.get(user_id)
            if sessions is None:
                raise KeyError(f"no user has id {user_id!r}")
            if session_id in self._sessions:
                raise ValueError(f"a session with id {session_id!r} already exists")
            record = SessionRecord(
                session_id, user_id, created_at, (_micros(created_at), next(self._sequence))
            )
            self._sessions[session_id] = record
            insort(sessions, record, key=lambda entry: entry.key)
        return session_id

    def close_session(self, session_id: str) -> None:
        """Close a session, so that it no longer appears in its user's list.

        Raises:
            KeyError: no open session has this id.
        """
        with self._lock:
            record = self._sessions.pop(session_id, None)
            if record is None:
                raise KeyError(f"no open session has id {session_id!r}")
            self._sessions_by_user[record.user_id].remove(record)

    def user(self, user_id: str) -> StoredUser | None:
        """Return the user with this id, or ``None``."""
        with self._lock:
            return self._users.get(user_id)

    def user_by_name(self, name: str) -> StoredUser | None:
        """Return the user with this name, or ``None``."""
        with self._lock:
            user_id = self._user_ids_by_name.get(name)
            return None if user_id is None else self._users[user_id]

    def users(self) -> list[StoredUser]:
        """Return all users, in creation order."""
        with self._lock:
            return [user for _, user in self._user_order]

    def sessions_of(self, user_id: str) -> list[str]:
        """Return the ids of a user's open sessions, oldest first.

        Raises:
            KeyError: no user has this id.
        """
        with self._lock:
            sessions = self._sessions_by_user.get(user_id)
            if sessions is None:
                raise KeyError(f"no user has id {user_id!r}")
            return [record.id for record in sessions]

    # The server's side of the store. These return snapshots, so the server never reads
    # state outside the lock.

    def session_page(
        self, user_id: str, window: PageWindow
    ) -> tuple[StoredUser, Page[SessionRecord]] | None:
        """Select one page of a user's sessions, or return ``None`` for an unknown user."""
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                return None
            sessions = self._sessions_by_user[user_id]
            return user, select_page(sessions, lambda record: record.key, window)

    def user_page(self, name: str | None, window: PageWindow) -> Page[StoredUser]:
        """Select one page of the users, all of them or only the one named ``name``."""
        with self._lock:
            entries = self._user_order
            if name is not None:
                entries = [entry for entry in entries if entry[1].name == name]
            page = select_page(entries, lambda entry: entry[0], window)
        return Page(
            items=[user for _, user in page.items],
            first_key=page.first_key,
            last_key=page.last_key,
            has_before=page.has_before,
            has_after=page.has_after,
        )
