"""The stand-in server's command line, mostly run as a subprocess, and its import errors."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from nexmo_client.testing.__main__ import warn_unless_loopback

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


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, password: bytes | None) -> bytes:
    """Return a private key as PKCS#8 PEM, encrypted when ``password`` is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption()
        if password is None
        else serialization.BestAvailableEncryption(password)
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not a key\n", id="text"),
        pytest.param(b"", id="empty"),
        pytest.param(_pem(ec.generate_private_key(ec.SECP256R1()), None), id="ec-key"),
        pytest.param(
            _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048), b"secret"),
            id="encrypted",
        ),
        pytest.param(
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            id="public-key",
        ),
    ],
)
def test_bad_private_key_file(tmp_path: Path, content: bytes) -> None:
    """A --private-key file without a usable RSA key exits 2, naming the file and the format."""
    path = tmp_path / "application.key"
    path.write_bytes(content)

    result = subprocess.run(
        [*COMMAND, "--private-key", str(path)], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert f"invalid --private-key {path}" in result.stderr
    assert "PEM RSA private key" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_private_key_file(tmp_path: Path) -> None:
    """A --private-key file that does not exist exits 2 and names the file."""
    path = tmp_path / "missing.key"

    result = subprocess.run(
        [*COMMAND, "--private-key", str(path)], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert f"cannot read --private-key {path}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["http://0.0.0.0:8080", "http://[::]:8080"])
def test_unspecified_address_warns(caplog: pytest.LogCaptureFixture, url: str) -> None:
    """Listening on every address logs one WARNING about reach and unusable links."""
    caplog.set_level("WARNING", logger="nexmo_client.testing.cli")

    warn_unless_loopback(url)

    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert record.levelname == "WARNING"
    assert "other machines can reach this server" in record.getMessage()
    assert "which clients cannot connect to" in record.getMessage()
    assert url in record.getMessage()


def test_other_address_warns(caplog: pytest.LogCaptureFixture) -> None:
    """Listening on a non-loopback address logs one WARNING that other machines can reach it."""
    caplog.set_level("WARNING", logger="nexmo_client.testing.cli")

    warn_unless_loopback("http://192.0.2.10:8080")

    assert len(caplog.records) == 1
    assert "192.0.2.10, which is not a loopback address" in caplog.records[0].getMessage()
    assert "other machines can reach this server" in caplog.records[0].getMessage()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://127.0.0.2:1", "http://[::1]:80"])
def test_loopback_address_silent(caplog: pytest.LogCaptureFixture, url: str) -> None:
    """Listening on a loopback address logs no warning."""
    caplog.set_level("DEBUG", logger="nexmo_client.testing.cli")

    warn_unless_loopback(url)

    assert caplog.records == []


def test_import_without_pyjwt_names_extra() -> None:
    """Importing the stand-in without PyJWT raises ImportError naming the testing extra."""
    code = (
        "import sys\n"
        "sys.modules['jwt'] = None\n"
        "try:\n"
        "    import nexmo_client.testing\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__)\n"
        "    print(error.name)\n"
        "    print(type(error.__cause__).__name__)\n"
        "    print(error)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ImportError"
    assert lines[1] == "jwt"
    assert lines[2] == "ModuleNotFoundError"
    assert "testing extra" in lines[3]
    assert "python -m pip install '.[testing]'" in lines[3]


def walk_links(
    http: requests.Session, url: str, first: dict[str, Any], relation: str
) -> list[dict[str, Any]]:
    """Follow ``_links[relation]`` from the page ``first``, fetched from ``url``, to the end.

    Returns the pages in walk order, ``first`` included, and fails past 10 pages.
    """
    pages = [first]
    while relation in pages[-1].get("_links", {}):
        assert len(pages) < 10, f"more than 10 pages following {relation} links"
        # An href may be relative, so it is resolved against the URL of the page it is in.
        url = urljoin(url, pages[-1]["_links"][relation]["href"])
        response = http.get(url, timeout=10)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def test_seed_walk_forward_and_back(tmp_path: Path) -> None:
    """A --seed user with 25 sessions walks in pages of 10 through next links to the end and
    back through prev links, each session once each way."""
    session_ids = [f"SES-{index:02d}-walk" for index in range(25)]
    seed = {
        "users": [
            {
                "id": "USR-walker",
                "name": "walker",
                "sessions": [{"id": session_id} for session_id in session_ids],
            }
        ]
    }
    seed_path = tmp_path / "seed.json"
    seed_path.write_text(json.dumps(seed), encoding="utf-8")
    served = start(
        ["--seed", str(seed_path), "--port", "0", "--token-for", "walker"],
        tmp_path / "stderr.txt",
    )
    try:
        url = served.stdout.next()
        token = served.stdout.next()
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            first_url = f"{url}/v1/users/USR-walker/sessions?page_size=10"
            first_response = http.get(first_url, timeout=10)
            forward = walk_links(http, first_url, first_response.json(), "next")
            last_url = urljoin(first_url, forward[-1]["_links"]["self"]["href"])
            backward = walk_links(http, last_url, forward[-1], "prev")
    finally:
        served.process.terminate()
        finish(served)

    forward_ids = [item["id"] for page in forward for item in page["_embedded"]["sessions"]]
    backward_ids = [item["id"] for page in backward for item in page["_embedded"]["sessions"]]
    assert first_response.status_code == 200
    assert [len(page["_embedded"]["sessions"]) for page in forward] == [10, 10, 5]
    assert [len(page["_embedded"]["sessions"]) for page in backward] == [5, 10, 10]
    assert forward_ids == session_ids
    assert Counter(backward_ids) == Counter(session_ids)
    assert "prev" not in backward[-1]["_links"]
