"""Tests of how dispatchers behave when a program ends without calling close().

Each test runs a short program in a subprocess, because only a real interpreter exit runs the
atexit hook and stops the daemon threads.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.slow


def run_program(source: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``source`` with this interpreter; return the result and the elapsed seconds."""
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return completed, time.monotonic() - started


def test_exit_not_held_by_blocked_work() -> None:
    """Work blocked for a minute on two dispatchers does not hold exit past 3 seconds."""
    completed, elapsed = run_program(
        """
        import threading
        from nexmo_client._dispatch import Dispatcher

        first = Dispatcher(name="exit-first")
        second = Dispatcher(name="exit-second")
        for dispatcher in (first, second):
            dispatcher.submit(lambda: threading.Event().wait(60), None)
        print("submitted", flush=True)
        """
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "submitted"
    assert elapsed < 3.0


def test_exit_delivers_call_finishing_soon() -> None:
    """A call that finishes 0.2 s after the main thread ends still gets its callback."""
    completed, elapsed = run_program(
        """
        import threading
        from nexmo_client._dispatch import Dispatcher

        class PrintingListener:
            def on_success(self, result):
                print("delivered", result, threading.current_thread().name, flush=True)

            def on_error(self, error):
                print("failed", error, flush=True)

        def work():
            # Stands in for a response that arrives 0.2 s later.
            threading.Event().wait(0.2)
            return "late-result"

        Dispatcher(name="exit-late").submit(work, PrintingListener())
        """
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "delivered late-result exit-late-callbacks"
    assert elapsed < 3.0


def test_exit_quick_when_nothing_pending() -> None:
    """A program whose calls are all delivered exits without waiting for the grace time."""
    completed, elapsed = run_program(
        """
        from nexmo_client._dispatch import Dispatcher

        dispatcher = Dispatcher(name="exit-idle")
        print(dispatcher.submit(lambda: "done", None).result(10), flush=True)
        """
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "done"
    assert elapsed < 1.5
