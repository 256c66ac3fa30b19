"""Blocking on a Future on the UI thread of a Tk, Qt or asyncio executor raises at once.

The listener that completes a Future can only run on the UI thread, so waiting there would
freeze the application forever. Each test waits with a timeout long enough to tell an
immediate RuntimeError from a wait that runs out.
"""

from __future__ import annotations

import asyncio
import time
import tkinter
from typing import Any

import pytest

from nexmo_client import NexmoClient
from nexmo_client.executors import asyncio_executor, qt_executor, tk_executor
from nexmo_client.testing import StandInServer

# Longer than an immediate RuntimeError takes, much shorter than the test timeout.
WAIT_SECONDS = 5.0


def assert_raises_at_once(future: Any) -> None:
    """Assert that result() on this thread raises RuntimeError well before its timeout."""
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="deadlock"):
        future.result(timeout=WAIT_SECONDS)
    assert time.monotonic() - started < WAIT_SECONDS / 2


@pytest.fixture
def alice_token(stand_in: StandInServer) -> str:
    """A token for a user of the stand-in."""
    stand_in.store.add_user("alice")
    return stand_in.mint_token("alice")


def test_tk_thread_result_raises(stand_in: StandInServer, alice_token: str) -> None:
    """result() on the Tk thread before the event loop ran raises RuntimeError."""
    interpreter = tkinter.Tcl()
    executor = tk_executor(interpreter)
    with NexmoClient(stand_in.url, callback_executor=executor) as client:
        future = client.login(alice_token)
        assert_raises_at_once(future)
        executor.shutdown(wait=False, cancel_futures=True)


def test_qt_thread_result_raises(
    stand_in: StandInServer, alice_token: str, qt_application: Any
) -> None:
    """result() on the thread that owns the Qt application raises RuntimeError."""
    with NexmoClient(stand_in.url, callback_executor=qt_executor()) as client:
        future = client.login(alice_token)
        assert_raises_at_once(future)


def test_asyncio_loop_thread_result_raises(stand_in: StandInServer, alice_token: str) -> None:
    """result() inside a coroutine on the executor's loop raises RuntimeError."""

    async def main() -> None:
        executor = asyncio_executor(asyncio.get_running_loop())
        with NexmoClient(stand_in.url, callback_executor=executor) as client:
            future = client.login(alice_token)
            assert_raises_at_once(future)
            # The loop still delivers the listener afterwards, so awaiting works.
            user = await asyncio.wait_for(asyncio.wrap_future(future), WAIT_SECONDS)
            assert user is not None
            assert user.name == "alice"

    asyncio.run(main())


def test_asyncio_executor_learns_thread_on_first_run() -> None:
    """An executor made before its loop runs records the loop's thread on the first call."""
    loop = asyncio.new_event_loop()
    try:
        executor = asyncio_executor(loop)
        assert executor.callback_thread_id is None
        executor(loop.stop)
        loop.run_forever()
        assert executor.callback_thread_id is not None
    finally:
        loop.close()
