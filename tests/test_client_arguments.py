"""Tests of the argument rule: what raises at the call and what goes to on_error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from client_support import FAST_SETTINGS, Recorder, logged_in_client

from nexmo_client import NexmoClient, NexmoPageOrder, NexmoValidationError
from nexmo_client.testing import StandInServer


class _OnlySuccess:
    def on_success(self, result: Any) -> None:
        pass


class _ErrorNotCallable:
    on_error = "not callable"

    def on_success(self, result: Any) -> None:
        pass


@pytest.fixture
def client(stand_in: StandInServer) -> Iterator[NexmoClient]:
    """A logged-in client whose login request is already cleared from the server's record."""
    with logged_in_client(stand_in) as client:
        stand_in.clear_requests()
        yield client


RAISING_CASES: list[tuple[str, Callable[[NexmoClient], Any], type[Exception], str]] = [
    (
        "listener without on_error",
        lambda c: c.get_user_sessions("U", 10, "asc", _OnlySuccess()),
        TypeError,
        "on_error",
    ),
    (
        "on_error not callable",
        lambda c: c.get_user_sessions("U", 10, "asc", _ErrorNotCallable()),
        TypeError,
        "on_error",
    ),
    (
        "listener is a function",
        lambda c: c.get_user_sessions("U", 10, "asc", print),
        TypeError,
        "on_success",
    ),
    ("user_id None", lambda c: c.get_user_sessions(None), TypeError, "user_id"),
    ("user_id int", lambda c: c.get_user_sessions(42), TypeError, "user_id"),
    ("user_id bytes", lambda c: c.get_user(b"USR-1"), TypeError, "user_id"),
    ("page_size str", lambda c: c.get_user_sessions("U", "20"), TypeError, "page_size"),
    ("page_size float", lambda c: c.get_user_sessions("U", 20.0), TypeError, "page_size"),
    ("page_size bool", lambda c: c.get_user_sessions("U", True), TypeError, "page_size"),
    ("order None", lambda c: c.get_user_sessions("U", 10, None), TypeError, "order"),
    ("order int", lambda c: c.get_user_sessions("U", 10, 1), TypeError, "order"),
    (
        "order unknown",
        lambda c: c.get_user_sessions("U", 10, "ascending"),
        ValueError,
        "'ascending'",
    ),
    ("order empty", lambda c: c.get_user_sessions("U", 10, ""), ValueError, "order"),
    ("get_user listener", lambda c: c.get_user("U", object()), TypeError, "on_success"),
    ("login token None", lambda c: c.login(None), TypeError, "token"),
    ("login listener", lambda c: c.login("t", _OnlySuccess()), TypeError, "on_error"),
    ("update_token empty", lambda c: c.update_token(""), ValueError, "empty"),
    ("update_token bytes", lambda c: c.update_token(b"t"), TypeError, "token"),
    (
        "connection listener",
        lambda c: c.set_connection_listener(object()),
        TypeError,
        "on_connection_status_change",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [case[1:] for case in RAISING_CASES],
    ids=[case[0] for case in RAISING_CASES],
)
def test_argument_raises_at_call(
    client: NexmoClient,
    stand_in: StandInServer,
    call: Callable[[NexmoClient], Any],
    error: type[Exception],
    words: str,
) -> None:
    """What Kotlin's compiler would reject raises at the call, and nothing is sent."""
    with pytest.raises(error) as caught:
        call(client)

    assert words in str(caught.value)
    assert stand_in.requests == []


ON_ERROR_CASES: list[tuple[str, Callable[[NexmoClient, Recorder], Any], str]] = [
    ("empty user id", lambda c, r: c.get_user_sessions("", 10, "asc", r), "empty"),
    ("dot user id", lambda c, r: c.get_user_sessions(".", 10, "asc", r), "dot segment"),
    ("dot dot user id", lambda c, r: c.get_user_sessions("..", 10, "asc", r), "dot segment"),
    ("get_user empty id", lambda c, r: c.get_user("", r), "empty"),
    ("get_user dot dot", lambda c, r: c.get_user("..", r), "dot segment"),
    ("page size 0", lambda c, r: c.get_user_sessions("U", 0, "asc", r), "page_size 0"),
    ("page size 101", lambda c, r: c.get_user_sessions("U", 101, "asc", r), "page_size 101"),
    ("page size negative", lambda c, r: c.get_user_sessions("U", -5, "asc", r), "page_size -5"),
    ("login empty token", lambda c, r: c.login("", r), "empty"),
    ("login token with space", lambda c, r: c.login("a b", r), "index 1"),
    ("login token with newline", lambda c, r: c.login("a\nb", r), "index 1"),
]


@pytest.mark.parametrize(
    ("call", "words"),
    [case[1:] for case in ON_ERROR_CASES],
    ids=[case[0] for case in ON_ERROR_CASES],
)
def test_argument_goes_to_on_error(
    client: NexmoClient,
    stand_in: StandInServer,
    call: Callable[[NexmoClient, Recorder], Any],
    words: str,
) -> None:
    """What Android reports at run time arrives in on_error, off the caller's thread, and
    nothing is sent."""
    recorder = Recorder()

    future = recorder.watch(call(client, recorder))
    error = recorder.error()

    assert isinstance(error, NexmoValidationError)
    assert error.type == "error:validation"
    assert error.tid is None
    assert words in error.message
    assert future.exception() is error
    assert recorder.threads[0] != threading.current_thread().name
    assert stand_in.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c, r: c.get_user_sessions("USR-1", 10, NexmoPageOrder.ASC, r),
        lambda c, r: c.get_user("USR-1", r),
    ],
)
def test_argument_no_login_on_error(stand_in: StandInServer, call: Any) -> None:
    """A call before login goes to on_error as a validation error and sends nothing."""
    recorder = Recorder()

    with NexmoClient(stand_in.url, **FAST_SETTINGS) as client:
        recorder.watch(call(client, recorder))
        error = recorder.error()

    assert isinstance(error, NexmoValidationError)
    assert "login" in error.message
    assert stand_in.requests == []


@pytest.mark.parametrize("page_size", [1, 100])
def test_argument_page_size_bounds(
    client: NexmoClient, stand_in: StandInServer, page_size: int
) -> None:
    """Page sizes 1 and 100 are accepted and sent."""
    user = stand_in.store.add_user("bob")

    page = client.get_user_sessions(user.id, page_size).result(10)

    assert len(page) == 0
    assert ("page_size", str(page_size)) in stand_in.requests[-1].query


def test_argument_listener_none(client: NexmoClient, stand_in: StandInServer) -> None:
    """A None listener is allowed: the Future alone carries the outcome."""
    user = stand_in.store.add_user("bob")

    page = client.get_user_sessions(user.id, 10, "asc", None).result(10)

    assert page.user_id == user.id


def test_argument_callable_listener(client: NexmoClient, stand_in: StandInServer) -> None:
    """Any object with both callables is accepted as a listener."""
    user = stand_in.store.add_user("bob")
    received: list[Any] = []
    done = threading.Event()

    class Plain:
        def on_success(self, result: Any) -> None:
            received.append(result)
            done.set()

        def on_error(self, error: Any) -> None:
            received.append(error)
            done.set()

    client.get_user_sessions(user.id, listener=Plain())

    assert done.wait(10)
    assert received[0].user_id == user.id
