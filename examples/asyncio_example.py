"""Use the client from asyncio: await its Futures, and run its listeners on the event loop.

``asyncio.wrap_future`` turns each ``concurrent.futures.Future`` that a call returns into an
awaitable, and ``nexmo_client.executors.asyncio_executor(loop)`` makes the client run its
listeners on the loop's thread, where they may touch loop objects safely. Run it with
``python examples/asyncio_example.py``: it starts the stand-in server with the demo data
unless ``NEXMO_API_URL`` is set.
"""

from __future__ import annotations

import asyncio
import sys
import threading

from _target import Target, example_target

from nexmo_client import (
    NexmoApiError,
    NexmoClient,
    NexmoPageOrder,
    NexmoRequestListener,
    NexmoUserSessionsPage,
)
from nexmo_client.executors import asyncio_executor

WAIT_SECONDS = 30.0
PAGE_SIZE = 10
# How many of the target's users to request at once.
USER_COUNT = 5


async def show_statuses(target: Target) -> int:
    """Request several users at once, await all and print each. Return 1 if any failed."""
    loop = asyncio.get_running_loop()
    loop_thread = threading.current_thread()
    listener_threads: list[bool] = []

    def note_thread(_result: object) -> None:
        # Runs on the loop's thread, because of the callback executor below.
        listener_threads.append(threading.current_thread() is loop_thread)

    listener = NexmoRequestListener[NexmoUserSessionsPage](
        on_success=note_thread, on_error=note_thread
    )
    client = NexmoClient(rest_environment_host=target.url, callback_executor=asyncio_executor(loop))
    try:
        await asyncio.wait_for(asyncio.wrap_future(client.login(target.token)), WAIT_SECONDS)

        user_ids = target.user_ids[:USER_COUNT]
        calls = [
            asyncio.wrap_future(
                client.get_user_sessions(user_id, PAGE_SIZE, NexmoPageOrder.ASC, listener)
            )
            for user_id in user_ids
        ]
        results = await asyncio.wait_for(
            asyncio.gather(*calls, return_exceptions=True), WAIT_SECONDS
        )
    finally:
        client.close()

    failed = 0
    for user_id, result in zip(user_ids, results, strict=True):
        if isinstance(result, NexmoApiError):
            failed += 1
            print(f"{user_id}: {result}", file=sys.stderr)
        elif isinstance(result, NexmoUserSessionsPage):
            count = f"{len(result)}+" if result.has_next() else str(len(result))
            print(f"{user_id} {'online' if len(result) else 'offline'} {count}")
        else:
            raise result
    on_loop = sum(listener_threads)
    print(f"{on_loop} of {len(listener_threads)} listeners ran on the event loop's thread")
    return 1 if failed else 0


def main() -> int:
    """Start the target, then run the asyncio part."""
    with example_target() as target:
        return asyncio.run(show_statuses(target))


if __name__ == "__main__":
    sys.exit(main())
