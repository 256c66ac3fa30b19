"""Tests of parsing users and sessions from JSON."""

from __future__ import annotations

from typing import Any, cast

import pytest

from nexmo_client import NexmoBadResponseError, NexmoClient, NexmoUser, NexmoUserSession

USER_JSON: dict[str, Any] = {
    "id": "USR-82e028d9-5201-4f1e-8188-604b2d3471ec",
    "name": "alice",
    "display_name": "Alice Smith",
    "image_url": "https://example.com/alice.png",
    "properties": {"custom_data": {"team": "blue"}},
}

SESSION_JSON: dict[str, Any] = {
    "id": "SES-84ebef0d-321a-47e6-8446-f4fcc5ca74b9",
    "created_at": "2026-04-01T09:30:00Z",
    "_embedded": {"user": {"id": USER_JSON["id"], "name": "alice"}, "extra": 1},
}


def test_user_from_json_fields() -> None:
    """Every modelled field of a user is read."""
    user = NexmoUser.from_json(USER_JSON)

    assert user.id == USER_JSON["id"]
    assert user.name == "alice"
    assert user.display_name == "Alice Smith"
    assert user.image_url == "https://example.com/alice.png"


def test_user_from_json_extra_fields_kept() -> None:
    """Fields the model does not name are kept in extra_fields."""
    user = NexmoUser.from_json(USER_JSON)

    assert user.extra_fields == {"properties": {"custom_data": {"team": "blue"}}}


def test_user_extra_fields_read_only() -> None:
    """extra_fields cannot be changed through the user."""
    user = NexmoUser.from_json(USER_JSON)

    with pytest.raises(TypeError):
        cast(dict[str, Any], user.extra_fields)["properties"] = None


def test_user_from_json_minimal() -> None:
    """A user with only id and name parses, with the optional fields None."""
    user = NexmoUser.from_json({"id": "USR-1", "name": "bob"})

    assert user.display_name is None
    assert user.image_url is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "bob"}, "'id'"),
        ({"id": "", "name": "bob"}, "'id'"),
        ({"id": 7, "name": "bob"}, "'id'"),
        ({"id": "USR-1"}, "'name'"),
        ({"id": "USR-1", "name": None}, "'name'"),
        ({"id": "USR-1", "name": ["bob"]}, "'name'"),
    ],
)
def test_user_from_json_required_field(body: dict[str, Any], field: str) -> None:
    """A missing or mistyped id or name raises NexmoBadResponseError naming the field."""
    with pytest.raises(NexmoBadResponseError) as caught:
        NexmoUser.from_json(body)

    assert field in caught.value.message
    assert caught.value.type == "error:bad-response"


@pytest.mark.parametrize("body", [None, [], "user", 3])
def test_user_from_json_not_object(body: object) -> None:
    """A user that is not a JSON object raises NexmoBadResponseError."""
    with pytest.raises(NexmoBadResponseError):
        NexmoUser.from_json(body)


def test_user_from_json_mistyped_optional() -> None:
    """A display name that is not a string is read as absent."""
    user = NexmoUser.from_json({"id": "USR-1", "name": "bob", "display_name": 12})

    assert user.display_name is None


def test_user_binding_not_in_eq_repr() -> None:
    """Two users that differ only in their client are equal, hash alike, and repr alike."""
    bound = NexmoUser.from_json(USER_JSON, client=cast(NexmoClient, object()))
    unbound = NexmoUser.from_json(USER_JSON)

    assert bound == unbound
    assert hash(bound) == hash(unbound)
    assert repr(bound) == repr(unbound)
    assert "client" not in repr(bound)


def test_user_android_getters() -> None:
    """The Android-shaped getters return the fields."""
    user = NexmoUser.from_json(USER_JSON)

    assert user.get_id() == user.id
    assert user.get_name() == user.name
    assert user.get_display_name() == user.display_name
    assert user.get_image_url() == user.image_url


def test_user_unbound_get_sessions_raises() -> None:
    """A user built by hand cannot fetch sessions, and the error names the call to use."""
    user = NexmoUser(id="USR-1", name="bob")

    with pytest.raises(RuntimeError, match="get_user_sessions"):
        user.get_sessions(20)


def test_user_frozen() -> None:
    """A user cannot be changed after parsing."""
    user = NexmoUser.from_json(USER_JSON)

    with pytest.raises(AttributeError):
        user.name = "mallory"  # type: ignore[misc]


def test_session_from_json_fields() -> None:
    """A session's id and embedded user are read."""
    session = NexmoUserSession.from_json(SESSION_JSON)

    assert session.id == SESSION_JSON["id"]
    assert session.user.id == USER_JSON["id"]
    assert session.user.name == "alice"
    assert session.get_id() == session.id
    assert session.get_user() == session.user


def test_session_from_json_extra_fields_kept() -> None:
    """Other session fields, and other embedded objects, are kept in extra_fields."""
    session = NexmoUserSession.from_json(SESSION_JSON)

    assert session.extra_fields["created_at"] == "2026-04-01T09:30:00Z"
    assert session.extra_fields["_embedded"] == {"extra": 1}


def test_session_hashable() -> None:
    """A session can be put in a set even though extra_fields is a mapping."""
    first = NexmoUserSession.from_json(SESSION_JSON)
    second = NexmoUserSession.from_json(SESSION_JSON)

    assert first == second
    assert len({first, second}) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"_embedded": {"user": {"id": "USR-1", "name": "a"}}},
        {"id": "SES-1"},
        {"id": "SES-1", "_embedded": None},
        {"id": "SES-1", "_embedded": {}},
        {"id": "SES-1", "_embedded": {"user": {"id": "USR-1"}}},
        {"id": "SES-1", "_embedded": {"user": "alice"}},
        ["SES-1"],
    ],
)
def test_session_from_json_malformed(body: object) -> None:
    """A session without an id or a complete embedded user raises NexmoBadResponseError."""
    with pytest.raises(NexmoBadResponseError):
        NexmoUserSession.from_json(body)
