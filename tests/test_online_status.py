"""Tests of the ``nexmo-online-status`` tool, run as a subprocess against stand-in servers.

The demo data is read from ``examples/demo-seed.json``, the file the tool ships, so each
expected status, count and session id comes from the seed itself.
"""

from __future__ import annotations

import io
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from nexmo_client import online_status
from nexmo_client._online_status_collect import StatusCollector, describe_error
from nexmo_client.errors import NexmoConnectionError, NexmoNotFoundError, NexmoTimeoutError
from nexmo_client.testing import StandInServer, Store
from tests.raw_server import unused_port

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "examples" / "demo-seed.json"
SEED: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
USERS: list[dict[str, Any]] = SEED["users"]
BUSY = max(USERS, key=lambda user: len(user["sessions"]))
BUSY_SESSION_IDS = [session["id"] for session in BUSY["sessions"]]
OFFLINE = next(user for user in USERS if not user["sessions"])
ONLINE = next(user for user in USERS if 0 < len(user["sessions"]) <= 3)
UNKNOWN_USER_ID = "USR-00000000-0000-4000-8000-000000000000"

# Every subprocess must finish well within this, in seconds.
RUN_TIMEOUT = 60.0


def run_tool(
    *arguments: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the tool as ``python -m nexmo_client.online_status`` with a clean environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in (online_status.HOST_VARIABLE, online_status.TOKEN_VARIABLE)
    }
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(environment or {})
    return subprocess.run(
        [sys.executable, "-m", "nexmo_client.online_status", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def parse_table(stdout: str) -> dict[str, tuple[str, str, str]]:
    """Return the table rows as ``{user id: (name, status, sessions)}``, header excluded."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["USER", "ID", "NAME", "STATUS", "SESSIONS"]
    rows = {}
    for line in lines[1:]:
        user_id, name, status, count = line.split()
        rows[user_id] = (name, status, count)
    return rows


def expected_count(sessions: int, page_size: int) -> str:
    """Return the count the table shows for a first page of ``page_size``."""
    return f"{page_size}+" if sessions > page_size else str(sessions)


@pytest.fixture
def seeded_server() -> Iterator[StandInServer]:
    """A stand-in server with the demo data, started by the test."""
    with StandInServer(Store.from_seed_file(SEED_FILE)) as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening: bound once, then closed."""
    return unused_port()


# ------------------------------------------------------------------------ the demo data


def test_demo_seed_loads_as_package_data() -> None:
    """The demo seed that importlib.resources finds is the committed examples file."""
    with online_status.demo_seed_path() as path:
        packaged = path.read_bytes()
    assert packaged == SEED_FILE.read_bytes()


def test_demo_seed_shape() -> None:
    """The demo has a few dozen users, most with 0 to 3 sessions and one busy user."""
    counts = [len(user["sessions"]) for user in USERS]
    assert len(USERS) >= 24
    assert len(BUSY["sessions"]) > 100
    assert sum(1 for count in counts if count <= 3) == len(USERS) - 1
    assert any(count == 0 for count in counts)
    assert len({user["id"] for user in USERS}) == len(USERS)
    assert len({user["name"] for user in USERS}) == len(USERS)
    assert all(user["name"] == user["name"].lower() for user in USERS)


# ------------------------------------------------------------------------- status mode


def test_status_without_arguments_lists_demo() -> None:
    """With no arguments every demo user is listed, online exactly when it has sessions."""
    result = run_tool()

    assert result.returncode == 0, result.stderr
    rows = parse_table(result.stdout)
    assert list(rows) == [user["id"] for user in USERS]
    for user in USERS:
        name, status, count = rows[user["id"]]
        sessions = len(user["sessions"])
        assert name == user["name"]
        assert status == ("online" if sessions else "offline"), user["name"]
        assert count == expected_count(sessions, 10), user["name"]
    assert f"Logging in as {USERS[0]['name']} ({USERS[0]['id']})" in result.stderr


def test_status_given_ids_in_order() -> None:
    """Given ids are listed once each, in the order given, and no other user is."""
    ids = [OFFLINE["id"], BUSY["id"], ONLINE["id"], OFFLINE["id"]]

    result = run_tool(*ids, "--page-size", "5")

    assert result.returncode == 0, result.stderr
    rows = parse_table(result.stdout)
    assert list(rows) == [OFFLINE["id"], BUSY["id"], ONLINE["id"]]
    assert rows[OFFLINE["id"]][1:] == ("offline", "0")
    assert rows[BUSY["id"]][1:] == ("online", "5+")
    assert rows[ONLINE["id"]][1:] == ("online", expected_count(len(ONLINE["sessions"]), 5))


def test_status_json_matches_seed() -> None:
    """--json prints one document whose users match the seed's sessions."""
    result = run_tool("--json", "--page-size", "3", "--order", "desc")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["page_size"] == 3
    assert document["order"] == "desc"
    assert document["failed"] == 0
    assert document["online"] == sum(1 for user in USERS if user["sessions"])
    by_id = {entry["id"]: entry for entry in document["users"]}
    assert list(by_id) == [user["id"] for user in USERS]
    for user in USERS:
        entry = by_id[user["id"]]
        sessions = len(user["sessions"])
        assert entry["name"] == user["name"]
        assert entry["online"] is (sessions > 0)
        assert entry["sessions"] == min(sessions, 3)
        assert entry["more_pages"] is (sessions > 3)
        assert entry["error"] is None


def test_status_count_all_walks_pages() -> None:
    """--count-all counts every session of the busy user across all pages."""
    result = run_tool("--json", "--count-all", "--page-size", "50", BUSY["id"], ONLINE["id"])

    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)["users"]
    assert entries[0]["sessions"] == len(BUSY_SESSION_IDS)
    assert entries[0]["pages"] == math.ceil(len(BUSY_SESSION_IDS) / 50)
    assert entries[0]["more_pages"] is False
    assert entries[1]["sessions"] == len(ONLINE["sessions"])
    assert entries[0]["error"] is None


# --------------------------------------------------------------------------- walk mode


@pytest.mark.parametrize(("order", "page_size"), [("asc", 7), ("desc", 7), ("asc", 10)])
def test_walk_busy_user(order: str, page_size: int) -> None:
    """--walk returns every session once, in order, on the right number of pages."""
    result = run_tool(
        "--json", "--walk", BUSY["id"], "--order", order, "--page-size", str(page_size)
    )

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    expected = BUSY_SESSION_IDS if order == "asc" else BUSY_SESSION_IDS[::-1]
    assert document["sessions"] == expected
    assert len(set(document["sessions"])) == len(document["sessions"])
    assert document["total"] == len(BUSY_SESSION_IDS)
    assert document["pages"] == math.ceil(len(BUSY_SESSION_IDS) / page_size)


def test_walk_text_output_and_progress() -> None:
    """A text walk prints one id per line, then the total and page count, and progress on stderr."""
    result = run_tool("--walk", BUSY["id"], "--page-size", "10")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == BUSY_SESSION_IDS
    assert lines[-1] == (
        f"{BUSY['id']}: {len(BUSY_SESSION_IDS)} sessions on 24 pages (page size 10, order asc)"
    )
    assert f"{BUSY['id']}: 10 pages, 100 sessions so far" in result.stderr


def test_walk_unknown_user_fails() -> None:
    """--walk of an unknown user exits 1 with a one-line not-found error."""
    result = run_tool("--walk", UNKNOWN_USER_ID)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(UNKNOWN_USER_ID)]
    assert len(errors) == 1
    assert "not found (user:error:not-found, HTTP 404)" in errors[0]
    assert result.stdout == ""


def test_walk_unknown_user_json_error() -> None:
    """A failed --json walk prints one document whose error has the per-user shape."""
    result = run_tool("--json", "--walk", UNKNOWN_USER_ID)

    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["user_id"] == UNKNOWN_USER_ID
    assert document["pages"] == 0
    assert document["total"] is None
    assert document["sessions"] is None
    assert document["error"]["type"] == "user:error:not-found"
    assert document["error"]["status"] == 404
    assert document["error"]["message"]
    assert set(document["error"]) == {"type", "status", "message"}


def test_walk_json_success_has_null_error() -> None:
    """A successful --json walk carries an error key whose value is null."""
    result = run_tool("--json", "--walk", ONLINE["id"])

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["error"] is None
    assert document["total"] == len(ONLINE["sessions"])


# ------------------------------------------------------------------------------ errors


def test_unknown_user_exits_one() -> None:
    """An unknown id exits 1 with one error line naming it, and the other users still print."""
    result = run_tool(ONLINE["id"], UNKNOWN_USER_ID)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(UNKNOWN_USER_ID)]
    assert len(errors) == 1
    assert errors[0].startswith(f"{UNKNOWN_USER_ID}: not found (user:error:not-found, HTTP 404)")
    rows = parse_table(result.stdout)
    assert rows[ONLINE["id"]][1] == "online"
    assert rows[UNKNOWN_USER_ID][1:] == ("error", "-")


def test_unknown_user_json_error() -> None:
    """--json reports the failed user's error type and status in the document."""
    result = run_tool("--json", UNKNOWN_USER_ID)

    assert result.returncode == 1
    document = json.loads(result.stdout)
    entry = document["users"][0]
    assert entry["online"] is None
    assert entry["error"]["type"] == "user:error:not-found"
    assert entry["error"]["status"] == 404
    assert set(entry["error"]) == {"type", "status", "message"}
    assert document["error"] is None


@pytest.mark.parametrize("mode", [["--walk", ONLINE["id"]], [ONLINE["id"], OFFLINE["id"]]])
def test_login_failure_json_document(
    closed_port: int, seeded_server: StandInServer, mode: list[str]
) -> None:
    """A login that cannot connect still prints one --json document with the error."""
    # A real JWT, so that login sends a request to find its user and fails on the port.
    token = seeded_server.mint_token(USERS[0]["name"])

    result = run_tool(
        "--json",
        "--host",
        f"http://127.0.0.1:{closed_port}",
        "--retries",
        "0",
        *mode,
        environment={"NEXMO_JWT": token},
    )

    assert result.returncode == 1
    assert result.stderr.startswith("login: connection failed")
    document = json.loads(result.stdout)
    error = document["error"]
    assert set(error) == {"type", "status", "message"}
    assert error["type"] == "error:network:connection"
    assert error["status"] is None
    assert token not in result.stdout
    if "--walk" in mode:
        assert document["user_id"] == ONLINE["id"]
        assert document["sessions"] is None
        assert document["total"] is None
    else:
        assert [entry["id"] for entry in document["users"]] == [ONLINE["id"], OFFLINE["id"]]
        assert [entry["error"] for entry in document["users"]] == [error, error]
        assert [entry["online"] for entry in document["users"]] == [None, None]
        assert document["failed"] == 2


def test_rejected_token_json_document(seeded_server: StandInServer) -> None:
    """A login that the server rejects with 401 prints the 401 in the --json document."""
    with StandInServer(Store.from_seed_file(SEED_FILE)) as other:
        foreign_token = other.mint_token(USERS[0]["name"])

    result = run_tool(
        "--json",
        "--host",
        seeded_server.url,
        ONLINE["id"],
        environment={"NEXMO_JWT": foreign_token},
    )

    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["error"]["type"] == "system:error:invalid-token"
    assert document["error"]["status"] == 401
    assert document["users"][0]["error"] == document["error"]


def test_bad_token_names_401(seeded_server: StandInServer) -> None:
    """A token the server rejects exits 1 and the error names the 401."""
    result = run_tool(
        "--host", seeded_server.url, ONLINE["id"], environment={"NEXMO_JWT": "garbage"}
    )

    assert result.returncode == 1
    assert "HTTP 401" in result.stderr
    assert "authentication failed" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_bad_jwt_stops_at_login(seeded_server: StandInServer) -> None:
    """A well-formed JWT signed by another key fails the login with a 401 and exits 1."""
    with StandInServer(Store.from_seed_file(SEED_FILE)) as other:
        foreign_token = other.mint_token(USERS[0]["name"])

    result = run_tool(
        "--host", seeded_server.url, ONLINE["id"], environment={"NEXMO_JWT": foreign_token}
    )

    assert result.returncode == 1
    assert result.stderr.startswith("login: authentication failed")
    assert "HTTP 401" in result.stderr
    assert result.stdout == ""


def test_unreachable_host_fails_fast(closed_port: int) -> None:
    """A loopback port with nothing listening exits 1 with a connection error, quickly."""
    started = time.monotonic()
    result = run_tool(
        "--host",
        f"http://127.0.0.1:{closed_port}",
        "--timeout",
        "2",
        "--retries",
        "0",
        ONLINE["id"],
        environment={"NEXMO_JWT": "opaque-token"},
    )
    elapsed = time.monotonic() - started

    assert result.returncode == 1
    assert "connection failed (error:network:connection)" in result.stderr
    assert elapsed < 15.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--host", "http://127.0.0.1:9", "USR-1"], "missing token"),
        (["--host", "ftp://example.invalid", "USR-1"], "invalid host"),
        (["--page-size", "0"], "argument --page-size: invalid value '0'"),
        (["--page-size", "101"], "argument --page-size: invalid value '101'"),
        (["--page-size", "nan"], "argument --page-size: invalid value 'nan'"),
        (["--order", "sideways"], "invalid choice"),
        (["--walk", "USR-1", "USR-2"], "--walk takes exactly one user id"),
        (["--token-file", "token.txt"], "--token-file needs --host"),
        (["--host", "http://127.0.0.1:9", "--show-token", "USR-1"], "--show-token only"),
        (["--host", "http://127.0.0.1:9"], "give at least one user id"),
        (["--timeout", "0"], "argument --timeout: invalid value '0'"),
        (["--timeout", "-1"], "argument --timeout: invalid value '-1'"),
        (["--timeout", "nan"], "argument --timeout: invalid value 'nan'"),
        (["--timeout", "inf"], "argument --timeout: invalid value 'inf'"),
        (["--timeout=-inf"], "argument --timeout: invalid value '-inf'"),
        (["--timeout", "1e300"], "argument --timeout: invalid value '1e300'"),
        (["--timeout", "soon"], "argument --timeout: invalid value 'soon'"),
        (["--retries", "-1"], "argument --retries: invalid value '-1'"),
        (["--retries", "101"], "argument --retries: invalid value '101'"),
        (["--retries", "1.5"], "argument --retries: invalid value '1.5'"),
        (["--retries", "inf"], "argument --retries: invalid value 'inf'"),
        (["--max-workers", "0"], "argument --max-workers: invalid value '0'"),
        (["--max-workers", "nan"], "argument --max-workers: invalid value 'nan'"),
    ],
)
def test_usage_errors_exit_two(arguments: list[str], message: str) -> None:
    """Invalid arguments exit 2 with a one-line error and print nothing on stdout."""
    result = run_tool(*arguments)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("nexmo-online-status: error:")
    assert result.stdout == ""


def test_largest_numbers_wait_within_limit() -> None:
    """The largest --timeout and --retries give a wait that thread waits accept."""
    arguments = online_status.build_parser().parse_args(
        [
            "--timeout",
            str(online_status.MAX_TIMEOUT_SECONDS),
            "--retries",
            str(online_status.MAX_RETRIES),
        ]
    )

    assert arguments.timeout == online_status.MAX_TIMEOUT_SECONDS
    assert arguments.retries == online_status.MAX_RETRIES
    # threading.TIMEOUT_MAX is smallest on Windows, about 49.7 days.
    assert online_status._wait_seconds(arguments) < min(threading.TIMEOUT_MAX, 4_294_967.0)


def test_missing_stand_in_dependency_exits_two() -> None:
    """Without PyJWT the tool exits 2 and names the project's testing extra from the checkout."""
    code = (
        "import sys\n"
        "sys.modules['jwt'] = None\n"
        "from nexmo_client.online_status import main\n"
        "raise SystemExit(main([]))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        cwd=ROOT,
        check=False,
    )

    assert result.returncode == 2
    assert "python -m pip install '.[testing]'" in result.stderr
    assert "scripts/demo.sh" in result.stderr
    assert "nexmo-client[testing]" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_host_with_query_exits_two() -> None:
    """A host URL that the client rejects (here, one with a query) exits 2 naming it."""
    result = run_tool(
        "--host", "http://127.0.0.1:9/?page=1", "USR-1", environment={"NEXMO_JWT": "opaque-token"}
    )

    assert result.returncode == 2
    assert "without a query" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_token_file_exits_two(tmp_path: Path) -> None:
    """A --token-file that does not exist exits 2 and names the file."""
    missing = tmp_path / "no-such-token"

    result = run_tool("--host", "http://127.0.0.1:9", "--token-file", str(missing), "USR-1")

    assert result.returncode == 2
    assert str(missing) in result.stderr


# ------------------------------------------------------------------------------ tokens


def test_token_never_printed(seeded_server: StandInServer, tmp_path: Path) -> None:
    """A token given through NEXMO_JWT or --token-file appears in no output."""
    token = seeded_server.mint_token(USERS[0]["name"])
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n", encoding="utf-8")
    runs: list[Sequence[str]] = [
        [ONLINE["id"], OFFLINE["id"], UNKNOWN_USER_ID],
        ["--json", ONLINE["id"], UNKNOWN_USER_ID],
        ["--walk", BUSY["id"]],
    ]

    for extra in runs:
        from_environment = run_tool(
            "--host", seeded_server.url, *extra, environment={"NEXMO_JWT": token}
        )
        from_file = run_tool("--host", seeded_server.url, "--token-file", str(token_file), *extra)
        for result in (from_environment, from_file):
            assert result.returncode in (0, 1), result.stderr
            assert token not in result.stdout
            assert token not in result.stderr
            # A JWT's signature alone would also leak it.
            assert token.rsplit(".", 1)[-1] not in result.stdout + result.stderr


def test_given_token_reaches_server(seeded_server: StandInServer) -> None:
    """With --host and NEXMO_JWT the tool logs in and reads from the given server."""
    token = seeded_server.mint_token(ONLINE["name"])

    result = run_tool("--host", seeded_server.url, ONLINE["id"], environment={"NEXMO_JWT": token})

    assert result.returncode == 0, result.stderr
    assert f"as {ONLINE['name']} ({ONLINE['id']})" in result.stderr
    paths = [request.path for request in seeded_server.requests]
    assert f"/v1/users/{ONLINE['id']}/sessions" in paths


def test_api_version_in_paths(seeded_server: StandInServer) -> None:
    """--api-version v0.3 sends the session requests under /v0.3; login's user lookup
    always uses the v1 users list."""
    token = seeded_server.mint_token(ONLINE["name"])

    result = run_tool(
        "--host",
        seeded_server.url,
        "--api-version",
        "v0.3",
        ONLINE["id"],
        environment={"NEXMO_JWT": token},
    )

    assert result.returncode == 0, result.stderr
    paths = [request.path for request in seeded_server.requests]
    assert f"/v0.3/users/{ONLINE['id']}/sessions" in paths
    assert [path for path in paths if path.startswith("/v1/")] == ["/v1/users"]


def test_show_token_prints_minted_token() -> None:
    """--show-token prints the embedded stand-in's own token on stderr, not on stdout."""
    result = run_tool("--show-token", ONLINE["id"])

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "Development token" in line]
    assert len(lines) == 1
    minted = lines[0].rsplit(" ", 1)[-1]
    assert minted.count(".") == 2
    assert minted not in result.stdout


# ---------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_exits_130() -> None:
    """SIGINT while a request hangs exits with status 130 and a short message."""
    connected = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []

        def accept_and_hang() -> None:
            # Accept the tool's connection and never respond, so its request hangs.
            connection, _ = listener.accept()
            accepted.append(connection)
            connected.set()

        acceptor = threading.Thread(target=accept_and_hang, daemon=True)
        acceptor.start()
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in (online_status.HOST_VARIABLE, online_status.TOKEN_VARIABLE)
        }
        # An opaque token: login sends nothing, so the sessions request is the one that hangs.
        env["NEXMO_JWT"] = "opaque-token"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nexmo_client.online_status",
                "--host",
                f"http://127.0.0.1:{port}",
                "--timeout",
                "30",
                "USR-1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        try:
            assert connected.wait(RUN_TIMEOUT)
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=RUN_TIMEOUT)
            elapsed = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            for connection in accepted:
                connection.close()

    assert process.returncode == 130
    assert "Interrupted." in stderr
    assert "Traceback" not in stderr
    assert elapsed < 10.0


# ------------------------------------------------------------------- the console script


def test_console_script_help() -> None:
    """The installed nexmo-online-status script runs and prints its help."""
    script = Path(sys.executable).parent / "nexmo-online-status"
    if not script.exists():
        pytest.skip(f"the console script is not installed beside {sys.executable}")

    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )

    assert result.returncode == 0
    assert "--walk USER_ID" in result.stdout
    assert "NEXMO_JWT" in result.stdout


# ------------------------------------------------------------- units without a socket


def test_describe_error_with_status() -> None:
    """An HTTP error reads as cause, code and status, then the message, on one line."""
    error = NexmoNotFoundError(
        "User does not exist,\nor you do not have access.", type="user:error:not-found", status=404
    )

    line = describe_error(error)

    assert line == (
        "not found (user:error:not-found, HTTP 404): "
        "User does not exist, or you do not have access."
    )


def test_describe_error_without_status() -> None:
    """An error without a response leaves the HTTP status out."""
    error = NexmoConnectionError("Connection refused by 127.0.0.1:9")

    assert describe_error(error) == (
        "connection failed (error:network:connection): Connection refused by 127.0.0.1:9"
    )


def test_collector_without_users_is_done() -> None:
    """A collector for no users returns from wait at once."""
    collector = StatusCollector([])

    assert collector.wait(0.01) is True
    assert collector.unfinished() == []


def test_collector_wait_times_out() -> None:
    """wait returns False when no callback arrives, and the user is listed as unfinished."""
    collector = StatusCollector(["USR-1"], names={"USR-1": "alice"})

    assert collector.wait(0.05) is False
    assert [status.user_id for status in collector.unfinished()] == ["USR-1"]
    assert collector.statuses["USR-1"].name == "alice"


def test_collector_page_with_next_unfinished() -> None:
    """A user with a page counted but no last page yet is still unfinished."""
    collector = StatusCollector(["USR-1", "USR-2"])
    # What a --count-all listener does with a first page that has a next page.
    collector.statuses["USR-1"].pages = 1
    collector.record_page()
    collector.listener_for("USR-2", count_all=True).on_error(
        NexmoNotFoundError("gone", type="user:error:not-found", status=404)
    )

    assert [status.user_id for status in collector.unfinished()] == ["USR-1"]


class SilentClient:
    """A stand-in for NexmoClient whose calls never deliver a callback, as if one were lost."""

    def __init__(self) -> None:
        self.user_ids: list[str] = []

    def get_user_sessions(self, user_id: str, *arguments: object) -> None:
        self.user_ids.append(user_id)


def test_status_lost_callback_reports_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user whose callback never comes is a timeout error in the one --json document."""
    monkeypatch.setattr(online_status, "_wait_seconds", lambda arguments: 0.05)
    arguments = online_status.build_parser().parse_args(["--json", "USR-1", "USR-2"])
    target = online_status.Target(url="http://127.0.0.1:9", token="opaque-token")
    client = SilentClient()
    stdout, stderr = io.StringIO(), io.StringIO()

    status = online_status.run_status(
        client,  # type: ignore[arg-type]
        target,
        ["USR-1", "USR-2"],
        arguments,
        stdout,
        stderr,
    )

    assert status == online_status.EXIT_FAILED
    assert client.user_ids == ["USR-1", "USR-2"]
    document = json.loads(stdout.getvalue())
    assert document["failed"] == 2
    for entry in document["users"]:
        assert entry["error"]["type"] == NexmoTimeoutError.default_type
        assert entry["error"]["status"] is None
        assert "timed out waiting for the client's callback" in entry["error"]["message"]
        assert entry["online"] is None
    assert "USR-1: timed out" in stderr.getvalue()


def test_collector_records_error() -> None:
    """An error delivered to a user's listener finishes that user with the error."""
    collector = StatusCollector(["USR-1", "USR-2"])
    error = NexmoNotFoundError("gone", type="user:error:not-found", status=404)

    collector.listener_for("USR-1", count_all=False).on_error(error)
    collector.listener_for("USR-2", count_all=False).on_error(error)

    assert collector.wait(0.05) is True
    assert collector.statuses["USR-1"].error is error
    assert collector.statuses["USR-1"].online is None
    assert collector.unfinished() == []
