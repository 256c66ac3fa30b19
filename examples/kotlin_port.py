"""The Android guide's Kotlin snippets for a user's sessions, ported line by line to Python.

Each Kotlin line or block is shown in a comment above its Python form. A Kotlin anonymous
``object : NexmoRequestListener<...>`` becomes ``NexmoRequestListener(on_success=...,
on_error=...)`` built from two functions. Run it with ``python examples/kotlin_port.py``: it
starts the stand-in server with the demo data unless ``NEXMO_API_URL`` is set.
"""

from __future__ import annotations

import sys
import threading

from _target import example_target

from nexmo_client import (
    NexmoApiError,
    NexmoClient,
    NexmoPageOrder,
    NexmoRequestListener,
    NexmoUserSessionsPage,
)

# How long the script waits for each listener, in seconds.
WAIT_SECONDS = 30.0


def describe_page(label: str, result: NexmoUserSessionsPage | None) -> None:
    """Print the page's size, its first session ids and whether more pages exist."""
    if result is None:
        print(f"{label}: no page")
        return
    first_ids = ", ".join(session.id for session in result.data[:3])
    print(f"{label}: {len(result)} sessions, next page: {result.has_next()}; first: {first_ids}")


def main() -> None:
    """Log in, then run both Kotlin snippets and wait for their listeners."""
    with example_target() as target, NexmoClient(rest_environment_host=target.url) as client:
        # client.login(jwt)
        # Android reports the login to a connection listener, but here the Future returns the user.
        user = client.login(target.token).result(timeout=WAIT_SECONDS)

        # client.getUserSessions("USR-id", 20, NexmoPageOrder.NexmoMPageOrderAsc, object: NexmoRequestListener<NexmoUserSessionsPage> {
        #     override fun onSuccess(result: NexmoUserSessionsPage?) {
        #         // handle page of sessions
        #     }
        #     override fun onError(error: NexmoApiError) {
        #         // handle error
        #     }
        # })
        client_call_done = threading.Event()

        def on_success(result: NexmoUserSessionsPage | None) -> None:
            describe_page("client.get_user_sessions", result)
            client_call_done.set()

        def on_error(error: NexmoApiError) -> None:
            print(f"client.get_user_sessions failed: {error}")
            client_call_done.set()

        client.get_user_sessions(
            target.user_id,
            20,
            NexmoPageOrder.NexmoMPageOrderAsc,
            NexmoRequestListener(on_success=on_success, on_error=on_error),
        )
        # Android delivers to the main thread later; a script has to wait for the listener.
        if not client_call_done.wait(WAIT_SECONDS):
            sys.exit(f"error: no callback from client.get_user_sessions within {WAIT_SECONDS} s")

        # You can also call this function with a NexmoUser object:
        # user.getSessions(20, NexmoPageOrder.NexmoMPageOrderAsc, object: NexmoRequestListener<NexmoUserSessionsPage> {
        #     override fun onSuccess(result: NexmoUserSessionsPage?) {
        #         // handle page of sessions
        #     }
        #     override fun onError(error: NexmoApiError) {
        #         // handle error
        #     }
        # })
        if user is None:
            print("The token names no user, so user.get_sessions is skipped.")
            return
        user_call_done = threading.Event()

        def on_user_success(result: NexmoUserSessionsPage | None) -> None:
            describe_page(f"{user.name}.get_sessions", result)
            user_call_done.set()

        def on_user_error(error: NexmoApiError) -> None:
            print(f"{user.name}.get_sessions failed: {error}")
            user_call_done.set()

        user.get_sessions(
            20,
            NexmoPageOrder.NexmoMPageOrderAsc,
            NexmoRequestListener(on_success=on_user_success, on_error=on_user_error),
        )
        if not user_call_done.wait(WAIT_SECONDS):
            sys.exit(f"error: no callback from user.get_sessions within {WAIT_SECONDS} s")


if __name__ == "__main__":
    main()
