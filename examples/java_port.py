"""The Android guide's Java snippets for a user's sessions, ported line by line to Python.

Each Java line or block is shown in a comment above its Python form. A Java anonymous class
``new NexmoRequestListener<...>() { ... }`` becomes a subclass of ``NexmoRequestListener``
that overrides ``on_success`` and ``on_error``. Run it with ``python examples/java_port.py``:
it starts the stand-in server with the demo data unless ``NEXMO_API_URL`` is set.
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


class PrintingSessionsListener(NexmoRequestListener[NexmoUserSessionsPage]):
    """The anonymous Java listener as a named subclass: prints the page, then sets ``done``."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.done = threading.Event()

    # @Override
    # public void onSuccess(@Nullable NexmoUserSessionsPage result) {
    #     // handle page of sessions
    # }
    def on_success(self, result: NexmoUserSessionsPage | None) -> None:
        if result is None:
            print(f"{self.label}: no page")
        else:
            first_ids = ", ".join(session.id for session in result.data[:3])
            print(
                f"{self.label}: {len(result)} sessions, next page: {result.has_next()}; "
                f"first: {first_ids}"
            )
        self.done.set()

    # @Override
    # public void onError(@NonNull NexmoApiError error) {
    #     // handle error
    # }
    def on_error(self, error: NexmoApiError) -> None:
        print(f"{self.label} failed: {error}")
        self.done.set()

    def wait(self) -> None:
        """Block until a callback ran; Android would deliver it to the main thread later."""
        if not self.done.wait(WAIT_SECONDS):
            sys.exit(f"error: no callback for {self.label} within {WAIT_SECONDS} s")


def main() -> None:
    """Log in, then run both Java snippets and wait for their listeners."""
    with example_target() as target, NexmoClient(rest_environment_host=target.url) as client:
        # client.login(jwt);
        # Android reports the login to a connection listener, but here the Future returns the user.
        user = client.login(target.token).result(timeout=WAIT_SECONDS)

        # client.getUserSessions("USR-id", 20, NexmoPageOrder.NexmoMPageOrderAsc, new NexmoRequestListener<NexmoUserSessionsPage>() {
        #     ... onSuccess and onError, as in PrintingSessionsListener above ...
        # });
        client_listener = PrintingSessionsListener("client.get_user_sessions")
        client.get_user_sessions(
            target.user_id, 20, NexmoPageOrder.NexmoMPageOrderAsc, client_listener
        )
        client_listener.wait()

        # You can also call this function with a NexmoUser object:
        # user.getSessions(20, NexmoPageOrder.NexmoMPageOrderAsc, new NexmoRequestListener<NexmoUserSessionsPage>() {
        #     ... onSuccess and onError, as in PrintingSessionsListener above ...
        # });
        if user is None:
            print("The token names no user, so user.get_sessions is skipped.")
            return
        user_listener = PrintingSessionsListener(f"{user.name}.get_sessions")
        user.get_sessions(20, NexmoPageOrder.NexmoMPageOrderAsc, user_listener)
        user_listener.wait()


if __name__ == "__main__":
    main()
