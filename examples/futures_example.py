"""Request many users' sessions at once with Futures only, no listeners.

Every call returns a ``concurrent.futures.Future`` at once, so all requests are submitted
first and ``concurrent.futures.wait`` then waits for all of them with one timeout. Run it with
``python examples/futures_example.py``: it starts the stand-in server with the demo data
unless ``NEXMO_API_URL`` is set.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, wait

from _target import example_target

from nexmo_client import NexmoApiError, NexmoClient, NexmoPageOrder, NexmoUserSessionsPage

WAIT_SECONDS = 30.0
PAGE_SIZE = 10


def main() -> int:
    """Print each user's status and first-page count. Return 1 if any call failed."""
    with example_target() as target, NexmoClient(rest_environment_host=target.url) as client:
        client.login(target.token).result(timeout=WAIT_SECONDS)

        futures: dict[Future[NexmoUserSessionsPage], str] = {
            client.get_user_sessions(user_id, PAGE_SIZE, NexmoPageOrder.ASC): user_id
            for user_id in target.user_ids
        }
        done, not_done = wait(futures, timeout=WAIT_SECONDS)

        failed = len(not_done)
        for user_id in (futures[future] for future in not_done):
            print(f"{user_id}: no result within {WAIT_SECONDS} s", file=sys.stderr)
        # Print in request order, not completion order, so the output is stable.
        for future, user_id in futures.items():
            if future not in done:
                continue
            try:
                page = future.result()
            except NexmoApiError as error:
                failed += 1
                print(f"{user_id}: {error}", file=sys.stderr)
                continue
            count = f"{len(page)}+" if page.has_next() else str(len(page))
            status = "online" if len(page) else "offline"
            print(f"{user_id} {status} {count}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
