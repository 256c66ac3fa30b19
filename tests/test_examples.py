"""Tests that run every file in ``examples/`` as a subprocess and check its real output.

Expected session ids and page counts come from ``examples/demo-seed.json``, which the examples
load into the stand-in server when ``NEXMO_API_URL`` is not set.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nexmo_client.testing import StandInServer, Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_FILE = EXAMPLES / "demo-seed.json"
SEED: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
USERS: list[dict[str, Any]] = SEED["users"]
BUSY = next(user for user in USERS if user["name"] == "support-desk")
BUSY_SESSION_IDS = [session["id"] for session in BUSY["sessions"]]
# The examples list the busy account first, then every other user in seed order.
EXAMPLE_USERS = [BUSY, *(user for user in USERS if user is not BUSY)]

RUN_TIMEOUT = 60.0


def run_example(
    name: str, *arguments: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``examples/NAME`` with the current interpreter, without NEXMO_* variables."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEXMO_")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(environment or {})
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def status_line(user: dict[str, Any], page_size: int) -> str:
    """Return the ``ID online|offline COUNT`` line that the futures and asyncio examples print."""
    sessions = len(user["sessions"])
    count = f"{page_size}+" if sessions > page_size else str(sessions)
    return f"{user['id']} {'online' if sessions else 'offline'} {count}"


def first_page_line(label: str) -> str:
    """Return the line that the Kotlin and Java ports print for the busy user's first page."""
    first = ", ".join(BUSY_SESSION_IDS[:3])
    return f"{label}: 20 sessions, next page: True; first: {first}"


def test_make_demo_seed_reproduces_file(tmp_path: Path) -> None:
    """make_demo_seed.py writes exactly the committed demo-seed.json."""
    output = tmp_path / "demo-seed.json"

    result = run_example("make_demo_seed.py", str(output))

    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == SEED_FILE.read_bytes()


@pytest.mark.parametrize("name", ["kotlin_port.py", "java_port.py"])
def test_android_ports_print_first_pages(name: str) -> None:
    """Both ports print the busy user's first page of 20, from the client and from the user."""
    result = run_example(name)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        first_page_line("client.get_user_sessions"),
        first_page_line("support-desk.get_sessions"),
    ]
    assert f"logging in as support-desk ({BUSY['id']})" in result.stderr


def test_futures_example_lists_users() -> None:
    """futures_example.py prints every demo user's status and first-page count."""
    result = run_example("futures_example.py")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [status_line(user, 10) for user in EXAMPLE_USERS]


def test_asyncio_example_runs_listeners_on_loop() -> None:
    """asyncio_example.py awaits five users and its listeners ran on the loop's thread."""
    result = run_example("asyncio_example.py")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == [status_line(user, 10) for user in EXAMPLE_USERS[:5]]
    assert lines[-1] == "5 of 5 listeners ran on the event loop's thread"


def test_walk_pages_both_directions() -> None:
    """walk_pages.py walks 240 sessions on 10 pages of 25 forwards and back."""
    result = run_example("walk_pages.py")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pages = math.ceil(len(BUSY_SESSION_IDS) / 25)
    assert lines[1] == f"page 1: 25 sessions, {BUSY_SESSION_IDS[0]} .. {BUSY_SESSION_IDS[24]}"
    assert (
        f"page {pages}: {len(BUSY_SESSION_IDS) - 25 * (pages - 1)} sessions, "
        f"{BUSY_SESSION_IDS[25 * (pages - 1)]} .. {BUSY_SESSION_IDS[-1]}"
    ) in lines
    assert f"{pages} pages, {len(BUSY_SESSION_IDS)} sessions forwards" in lines
    assert f"{pages} pages, {len(BUSY_SESSION_IDS)} sessions backwards" in lines
    assert lines[-1] == "Both directions returned the same sessions in the same order."


def test_online_status_wrapper_walks() -> None:
    """examples/online_status.py runs the tool: a JSON walk returns the seeded ids."""
    result = run_example("online_status.py", "--json", "--walk", BUSY["id"], "--page-size", "100")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["sessions"] == BUSY_SESSION_IDS
    assert document["pages"] == 3


def test_examples_use_given_server() -> None:
    """With NEXMO_API_URL, NEXMO_JWT and NEXMO_USER_ID the examples use that server."""
    online = next(user for user in USERS if user["sessions"] and user is not BUSY)
    offline = next(user for user in USERS if not user["sessions"])
    with StandInServer(Store.from_seed_file(SEED_FILE)) as server:
        environment = {
            "NEXMO_API_URL": server.url,
            "NEXMO_JWT": server.mint_token(online["name"]),
            "NEXMO_USER_ID": f"{online['id']}, {offline['id']}",
        }

        result = run_example("futures_example.py", environment=environment)
        paths = {request.path for request in server.requests}

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [status_line(online, 10), status_line(offline, 10)]
    assert "Started the stand-in" not in result.stderr
    assert f"/v1/users/{offline['id']}/sessions" in paths


def test_examples_need_token_with_url() -> None:
    """With NEXMO_API_URL but no token the examples exit with a message naming NEXMO_JWT."""
    result = run_example("walk_pages.py", environment={"NEXMO_API_URL": "http://127.0.0.1:9"})

    assert result.returncode == 1
    assert "NEXMO_JWT" in result.stderr
    assert result.stdout == ""
