"""Walk every page of one user's sessions forwards with ``get_next``, then back with
``get_prev``.

Each page is fetched with the same user, page size and order as the first one. Run it with
``python examples/walk_pages.py``: it starts the stand-in server with the demo data (and walks
the busy ``support-desk`` account) unless ``NEXMO_API_URL`` is set.
"""

from __future__ import annotations

import sys

from _target import example_target

from nexmo_client import NexmoClient, NexmoPageOrder, NexmoUserSessionsPage

WAIT_SECONDS = 30.0
PAGE_SIZE = 25


def describe(number: int, page: NexmoUserSessionsPage) -> str:
    """Return one line: the page number, its size and its first and last session ids."""
    if not page.data:
        return f"page {number}: empty"
    return f"page {number}: {len(page)} sessions, {page.data[0].id} .. {page.data[-1].id}"


def main() -> int:
    """Walk forwards, then backwards, and check that both directions saw the same sessions."""
    with example_target() as target, NexmoClient(rest_environment_host=target.url) as client:
        client.login(target.token).result(timeout=WAIT_SECONDS)

        print(f"Forwards through {target.user_id}, {PAGE_SIZE} per page:")
        page = client.get_user_sessions(target.user_id, PAGE_SIZE, NexmoPageOrder.ASC).result(
            timeout=WAIT_SECONDS
        )
        pages = [page]
        print(describe(1, page))
        while page.has_next():
            page = page.get_next().result(timeout=WAIT_SECONDS)
            pages.append(page)
            print(describe(len(pages), page))
        forwards = [session.id for page in pages for session in page]
        print(f"{len(pages)} pages, {len(forwards)} sessions forwards")

        print("Backwards from the last page:")
        backwards_pages = [page]
        number = len(pages)
        while page.has_prev():
            page = page.get_prev().result(timeout=WAIT_SECONDS)
            backwards_pages.append(page)
            number -= 1
            print(describe(number, page))
        backwards = [session.id for page in reversed(backwards_pages) for session in page]
        print(f"{len(backwards_pages)} pages, {len(backwards)} sessions backwards")

        if backwards != forwards:
            print("error: the two directions returned different sessions", file=sys.stderr)
            return 1
        print("Both directions returned the same sessions in the same order.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
