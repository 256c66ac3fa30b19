"""Loading and validating seed files (the format is in the package docstring)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nexmo_client.testing._store import Store

_USER_KEYS = {"id", "name", "display_name", "image_url", "sessions"}
_SESSION_KEYS = {"id", "created_at"}


def _fail(source: str, where: str, problem: str) -> ValueError:
    return ValueError(f"invalid seed {source}: {where}: {problem}")


def _optional_text(source: str, where: str, entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _fail(source, f"{where}.{key}", f"expected a non-empty string or null, got {value!r}")
    return value


def _timestamp(source: str, where: str, value: object) -> datetime:
    if not isinstance(value, str):
        raise _fail(source, where, f"expected an ISO-8601 string, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(
            source, where, f"invalid ISO-8601 timestamp {value!r}; write e.g. 2026-04-01T09:30:00Z"
        ) from None
    if moment.tzinfo is None:
        raise _fail(source, where, f"timestamp {value!r} has no timezone; add Z or +00:00")
    return moment


def _check_keys(source: str, where: str, entry: object, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise _fail(source, where, f"expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise _fail(source, where, f"unknown keys {unknown}; allowed keys are {sorted(allowed)}")
    return entry


def load_seed(store: Store, seed: object, *, source: str) -> None:
    """Add the users and sessions of a parsed seed to ``store``.

    The seed is validated before anything is added, so an invalid seed adds nothing. Only a
    clash with users or sessions already in ``store`` can fail after some entries were added.

    Raises:
        ValueError: an entry is invalid. The message names ``source`` and the entry.
    """
    document = _check_keys(source, "top level", seed, {"users"})
    users = document.get("users", [])
    if not isinstance(users, list):
        raise _fail(source, "users", f"expected a list, got {type(users).__name__}")

    # Sessions without created_at share one time, so they keep their order in the file and
    # sort after the sessions whose explicit times are in the past.
    loaded_at = datetime.now(UTC)
    plan: list[tuple[str, Mapping[str, Any], list[tuple[str | None, datetime]]]] = []
    user_ids: set[str] = set()
    names: set[str] = set()
    session_ids: set[str] = set()
    for user_index, raw_user in enumerate(users):
        where = f"users[{user_index}]"
        user = _check_keys(source, where, raw_user, _USER_KEYS)
        name = user.get("name")
        if not isinstance(name, str) or not name:
            raise _fail(source, f"{where}.name", f"expected a non-empty string, got {name!r}")
        if name in names:
            raise _fail(source, f"{where}.name", f"another user is also named {name!r}")
        names.add(name)
        user_id = _optional_text(source, where, user, "id")
        if user_id is not None:
            if user_id in user_ids or user_id in (".", ".."):
                raise _fail(source, f"{where}.id", f"duplicate or invalid user id {user_id!r}")
            user_ids.add(user_id)
        _optional_text(source, where, user, "display_name")
        _optional_text(source, where, user, "image_url")

        sessions = user.get("sessions", [])
        if not isinstance(sessions, list):
            raise _fail(source, f"{where}.sessions", f"expected a list, got {sessions!r}")
        planned_sessions: list[tuple[str | None, datetime]] = []
        for session_index, raw_session in enumerate(sessions):
            session_where = f"{where}.sessions[{session_index}]"
            session = _check_keys(source, session_where, raw_session, _SESSION_KEYS)
            session_id = _optional_text(source, session_where, session, "id")
            if session_id is not None:
                if session_id in session_ids or session_id in (".", ".."):
                    raise _fail(
                        source,
                        f"{session_where}.id",
                        f"duplicate or invalid session id {session_id!r}",
                    )
                session_ids.add(session_id)
            created_at = loaded_at
            if session.get("created_at") is not None:
                created_at = _timestamp(
                    source, f"{session_where}.created_at", session["created_at"]
                )
            planned_sessions.append((session_id, created_at))
        plan.append((name, user, planned_sessions))

    for name, user, planned_sessions in plan:
        try:
            stored = store.add_user(
                name,
                display_name=user.get("display_name"),
                user_id=user.get("id"),
                image_url=user.get("image_url"),
            )
        except ValueError as error:
            # Only a clash with a user already in a non-empty store gets here.
            raise _fail(source, f"user {name!r}", str(error)) from error
        for session_id, created_at in planned_sessions:
            store.open_session(stored.id, session_id, created_at=created_at)


def load_seed_file(store: Store, path: str | os.PathLike[str]) -> None:
    """Read a UTF-8 JSON seed file and add its users and sessions to ``store``.

    Raises:
        OSError: the file cannot be read.
        ValueError: the file is not UTF-8 JSON, or an entry is invalid.
    """
    source = os.fspath(path)
    with open(path, encoding="utf-8") as seed_file:
        try:
            seed = json.load(seed_file)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"invalid seed file {source}: not UTF-8 JSON: {error}") from error
    load_seed(store, seed, source=f"file {source}")
