"""The stand-in server's store and seed files."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nexmo_client.testing import Store, StoredUser


def test_add_user_generates_id() -> None:
    """add_user returns a frozen StoredUser with a USR-<uuid4> id when none is given."""
    store = Store()

    user = store.add_user("alice", display_name="Alice")

    assert user.id.startswith("USR-")
    assert len(user.id) == len("USR-") + 36
    assert user == StoredUser(user.id, "alice", "Alice", None)
    assert store.user(user.id) == user
    assert store.user_by_name("alice") == user
    with pytest.raises(dataclasses.FrozenInstanceError):
        user.name = "mallory"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "user_id", "message"),
    [
        ("", None, "user name"),
        ("alice", "", "user id"),
        ("alice", "..", "dot segment"),
        ("alice", "USR-2", "named 'alice'"),
        ("bob", "USR-1", "id 'USR-1'"),
    ],
)
def test_add_user_rejected(name: str, user_id: str | None, message: str) -> None:
    """add_user rejects empty names and ids, dot segments and duplicates."""
    store = Store()
    store.add_user("alice", user_id="USR-1")

    with pytest.raises(ValueError, match=message):
        store.add_user(name, user_id=user_id)


def test_lookups_of_unknown_users() -> None:
    """user and user_by_name return None; sessions_of and open_session raise KeyError."""
    store = Store()

    assert store.user("USR-x") is None
    assert store.user_by_name("x") is None
    with pytest.raises(KeyError):
        store.sessions_of("USR-x")
    with pytest.raises(KeyError):
        store.open_session("USR-x")


def test_sessions_in_creation_order() -> None:
    """sessions_of lists open sessions oldest first, by created_at then by opening order."""
    store = Store()
    user = store.add_user("alice")
    early = datetime(2026, 1, 1, tzinfo=UTC)

    late = store.open_session(user.id, "SES-late", created_at=early + timedelta(days=1))
    first = store.open_session(user.id, "SES-first", created_at=early)
    tied = store.open_session(user.id, "SES-tied", created_at=early)
    now = store.open_session(user.id)

    assert store.sessions_of(user.id) == [first, tied, late, now]
    assert now.startswith("SES-")


def test_close_session() -> None:
    """close_session removes a session; closing an unknown one raises KeyError."""
    store = Store()
    user = store.add_user("alice")
    kept = store.open_session(user.id)
    closed = store.open_session(user.id)

    store.close_session(closed)

    assert store.sessions_of(user.id) == [kept]
    with pytest.raises(KeyError):
        store.close_session(closed)


def test_open_session_rejected() -> None:
    """open_session rejects a duplicate id and a created_at without timezone."""
    store = Store()
    user = store.add_user("alice")
    store.open_session(user.id, "SES-1")

    with pytest.raises(ValueError, match="already exists"):
        store.open_session(user.id, "SES-1")
    with pytest.raises(ValueError, match="timezone"):
        store.open_session(user.id, created_at=datetime(2026, 1, 1))


def test_users_in_creation_order() -> None:
    """users() lists users in creation order."""
    store = Store()
    names = ["zoe", "adam", "mia"]
    for name in names:
        store.add_user(name)

    assert [user.name for user in store.users()] == names


def test_concurrent_changes() -> None:
    """Sessions opened and closed from several threads at once are all accounted for."""
    store = Store()
    user = store.add_user("alice")
    barrier = threading.Barrier(6, timeout=10)
    kept: list[str] = []
    lock = threading.Lock()

    def churn() -> None:
        barrier.wait()
        for _ in range(200):
            closed = store.open_session(user.id)
            store.close_session(closed)
            session_id = store.open_session(user.id)
            with lock:
                kept.append(session_id)

    workers = [threading.Thread(target=churn) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert sorted(store.sessions_of(user.id)) == sorted(kept)
    assert len(kept) == 1200


def write_seed(tmp_path: Path, seed: Any) -> Path:
    """Write a seed as JSON to a file and return its path."""
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


def test_seed_file_loaded(tmp_path: Path) -> None:
    """A seed file's users, ids, fields and session order are loaded."""
    path = write_seed(
        tmp_path,
        {
            "users": [
                {
                    "id": "USR-82e028d9-5201-4f1e-8188-604b2d3471ec",
                    "name": "alice",
                    "display_name": "Alice Smith",
                    "image_url": "https://example.com/alice.png",
                    "sessions": [
                        {"id": "SES-b", "created_at": "2020-04-02T09:30:00Z"},
                        {"id": "SES-a", "created_at": "2020-04-01T09:30:00+02:00"},
                        {"id": "SES-c"},
                        {},
                    ],
                },
                {"name": "bob"},
            ]
        },
    )

    store = Store.from_seed_file(path)

    alice, bob = store.users()
    assert alice == StoredUser(
        "USR-82e028d9-5201-4f1e-8188-604b2d3471ec",
        "alice",
        "Alice Smith",
        "https://example.com/alice.png",
    )
    sessions = store.sessions_of(alice.id)
    assert sessions[:3] == ["SES-a", "SES-b", "SES-c"]
    assert sessions[3].startswith("SES-")
    assert bob.name == "bob"
    assert bob.id.startswith("USR-")
    assert store.sessions_of(bob.id) == []


def test_seed_from_mapping() -> None:
    """Store.from_seed accepts a seed that is already parsed."""
    store = Store.from_seed({"users": [{"name": "alice", "sessions": [{}]}]})

    assert len(store.sessions_of(store.users()[0].id)) == 1


@pytest.mark.parametrize(
    ("seed", "where"),
    [
        ([], "top level"),
        ({"users": {}}, "users"),
        ({"people": []}, "top level"),
        ({"users": [{"display_name": "x"}]}, r"users\[0\]\.name"),
        ({"users": [{"name": "a"}, {"name": "a"}]}, r"users\[1\]\.name"),
        ({"users": [{"name": "a", "id": "U"}, {"name": "b", "id": "U"}]}, r"users\[1\]\.id"),
        ({"users": [{"name": "a", "nmae": "x"}]}, "nmae"),
        ({"users": [{"name": "a", "image_url": 5}]}, r"users\[0\]\.image_url"),
        ({"users": [{"name": "a", "sessions": {}}]}, r"users\[0\]\.sessions"),
        ({"users": [{"name": "a", "sessions": ["SES-1"]}]}, r"users\[0\]\.sessions\[0\]"),
        (
            {"users": [{"name": "a", "sessions": [{"created_at": "2026-13-01T00:00:00Z"}]}]},
            r"users\[0\]\.sessions\[0\]\.created_at",
        ),
        (
            {"users": [{"name": "a", "sessions": [{"created_at": "2026-04-01T09:30:00"}]}]},
            "no timezone",
        ),
        (
            {
                "users": [
                    {"name": "a", "sessions": [{"id": "S"}]},
                    {"name": "b", "sessions": [{"id": "S"}]},
                ]
            },
            r"users\[1\]\.sessions\[0\]\.id",
        ),
    ],
)
def test_seed_file_rejected(tmp_path: Path, seed: Any, where: str) -> None:
    """An invalid seed raises ValueError naming the file and the bad entry."""
    path = write_seed(tmp_path, seed)

    with pytest.raises(ValueError, match=where) as raised:
        Store.from_seed_file(path)
    assert str(path) in str(raised.value)


def test_seed_file_not_json(tmp_path: Path) -> None:
    """A seed file that is not JSON raises ValueError naming the file and the position."""
    path = tmp_path / "seed.json"
    path.write_text('{"users": [', encoding="utf-8")

    with pytest.raises(ValueError, match=r"not UTF-8 JSON.*line 1") as raised:
        Store.from_seed_file(path)
    assert str(path) in str(raised.value)


def test_seed_file_missing(tmp_path: Path) -> None:
    """A seed file that does not exist raises FileNotFoundError."""
    with pytest.raises(FileNotFoundError):
        Store.from_seed_file(tmp_path / "missing.json")
