"""The stand-in server's command line, run as a subprocess."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import jwt
import pytest
import requests

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-m", "nexmo_client.testing"]


class StdoutLines:
    """The lines of a process's stdout, read on a thread so that a test can wait with a timeout.

    Waiting on the pipe itself with select() would miss lines that the text wrapper has
    already buffered.
    """

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._lines: queue.Queue[str] = queue.Queue()
        stream = process.stdout
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                self._lines.put(line)

    def join(self) -> None:
        """Wait until the process has closed its stdout and the stream is closed."""
        self._reader.join(timeout=10)

    def next(self, timeout: float = 20.0) -> str:
        """Return the next line without its line break, failing after ``timeout`` seconds."""
        try:
            return self._lines.get(timeout=timeout).strip()
        except queue.Empty:
            pytest.fail(f"no line on stdout within {timeout} s")


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A seed file with alice, who has two sessions."""
    path = tmp_path / "seed.json"
    seed = {"users": [{"id": "USR-alice", "name": "alice", "sessions": [{}, {}]}]}
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


@dataclass
class Served:
    """A running command-line server, and the lines of its stdout."""

    process: subprocess.Popen[str]
    stdout: StdoutLines


def start(arguments: list[str], stderr_path: Path) -> Served:
    """Start the command line with these arguments, its stderr going to a file."""
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [*COMMAND, *arguments], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    return Served(process, StdoutLines(process))


def finish(served: Served) -> None:
    """Kill the process if it still runs, and wait for it and its stdout to end."""
    if served.process.poll() is None:
        served.process.kill()
    served.process.wait(timeout=10)
    served.stdout.join()


@pytest.fixture
def serve(seed_file: Path, tmp_path: Path) -> Iterator[Served]:
    """The command line serving the seed file on port 0 with a token for alice."""
    served = start(
        ["--seed", str(seed_file), "--port", "0", "--token-for", "alice"], tmp_path / "stderr.txt"
    )
    try:
        yield served
    finally:
        finish(served)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serves_and_stops(serve: Served, stop_signal: signal.Signals, tmp_path: Path) -> None:
    """The command prints a URL and a token, serves the seed, logs, and stops on a signal."""
    url = serve.stdout.next()
    token = serve.stdout.next()

    response = requests.get(
        f"{url}/v1/users/USR-alice/sessions",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    serve.process.send_signal(stop_signal)
    started = time.monotonic()
    serve.process.wait(timeout=10)
    stop_seconds = time.monotonic() - started

    assert url.startswith("http://127.0.0.1:")
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == "alice"
    assert response.status_code == 200
    assert len(response.json()["_embedded"]["sessions"]) == 2
    stderr = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert serve.process.returncode == 0
    assert stop_seconds < 5
    assert "GET /v1/users/USR-alice/sessions -> 200" in stderr
    assert "stopped" in stderr
    assert token not in stderr
    assert "Bearer" not in stderr


def test_token_for_new_user(tmp_path: Path) -> None:
    """--token-for a name that the seed lacks adds that user, so the token can log in."""
    served = start(["--token-for", "carol", "--token-lifetime", "60"], tmp_path / "stderr.txt")
    try:
        url = served.stdout.next()
        token = served.stdout.next()
        response = requests.get(
            f"{url}/v1/users",
            params={"name": "carol"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        claims = jwt.decode(token, options={"verify_signature": False})
    finally:
        served.process.terminate()
        finish(served)

    assert [user["name"] for user in response.json()["_embedded"]["users"]] == ["carol"]
    assert claims["exp"] - claims["iat"] == 60


def test_help_documents_options() -> None:
    """--help lists every option with its unit or default."""
    result = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, timeout=30)

    assert result.returncode == 0
    for option in [
        "--seed",
        "--host",
        "--port",
        "--token-for",
        "--token-lifetime",
        "--private-key",
        "--application-id",
        "--log-level",
    ]:
        assert option in result.stdout
    assert "seconds" in result.stdout
    assert result.stdout.count("default") >= 7


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seed", "missing.json"], "missing.json"),
        (["--port", "70000"], "invalid port"),
        (["--token-lifetime", "-5"], "invalid lifetime"),
    ],
)
def test_bad_arguments(tmp_path: Path, arguments: list[str], message: str) -> None:
    """Bad arguments end with status 2 and a message naming the problem."""
    result = subprocess.run(
        [*COMMAND, *arguments], capture_output=True, text=True, timeout=30, cwd=tmp_path
    )

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_bad_seed_file(tmp_path: Path) -> None:
    """An invalid seed file ends with status 2 and names the bad entry."""
    path = tmp_path / "seed.json"
    path.write_text('{"users": [{"name": ""}]}', encoding="utf-8")

    result = subprocess.run(
        [*COMMAND, "--seed", str(path)], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "users[0].name" in result.stderr
