"""The client in a hostile environment: ~/.netrc, proxy variables and a missing CA bundle.

Each case runs a whole program in a subprocess with its own HOME and environment: it starts
a stand-in server, logs a NexmoClient in and fetches a user's sessions, then prints what
happened as JSON. The same program also sends the request with plain ``requests``, as a
control that shows whether the environment setting is in effect there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.raw_server import unused_port

pytestmark = pytest.mark.slow

# Prints one JSON object: the session ids the client received or its error, the paths the
# stand-in recorded for the client, and the status (or exception name) of the control request.
CLIENT_PROGRAM = """
import json
import requests
from nexmo_client import NexmoApiError, NexmoClient
from nexmo_client.testing import StandInServer

with StandInServer() as server:
    alice = server.store.add_user("alice")
    session_id = server.store.open_session(alice.id)
    token = server.mint_token("alice")
    outcome = {"user_id": alice.id, "session_id": session_id}
    try:
        with NexmoClient(
            server.url,
            connect_timeout=2,
            read_timeout=2,
            request_deadline=4,
            total_deadline=8,
            max_retries=0,
        ) as client:
            user = client.login(token).result(30)
            page = client.get_user_sessions(alice.id).result(30)
        outcome["login_user_id"] = user.id if user is not None else None
        outcome["sessions"] = [session.id for session in page]
    except NexmoApiError as error:
        outcome["error"] = f"{type(error).__name__}: {error}"
    outcome["paths"] = [request.path for request in server.requests]

    try:
        control = requests.get(
            f"{server.url}/v1/users/{alice.id}/sessions",
            headers={"Authorization": "Bearer " + token},
            timeout=5,
        )
        outcome["control"] = control.status_code
    except requests.RequestException as error:
        outcome["control"] = type(error).__name__
print(json.dumps(outcome))
"""


def clean_environment(home: Path) -> dict[str, str]:
    """Return an environment with this HOME and none of the proxy, CA or netrc variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.lower().endswith("_proxy")
        and name not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC")
    }
    environment["HOME"] = str(home)
    return environment


def run_program(environment: dict[str, str]) -> dict[str, Any]:
    """Run CLIENT_PROGRAM in a subprocess and return the JSON object it prints."""
    completed = subprocess.run(
        [sys.executable, "-c", CLIENT_PROGRAM],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    outcome: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return outcome


def assert_call_succeeded(outcome: dict[str, Any]) -> None:
    """Check that login and the sessions call succeeded and reached the stand-in directly."""
    assert "error" not in outcome, outcome["error"]
    assert outcome["login_user_id"] == outcome["user_id"]
    assert outcome["sessions"] == [outcome["session_id"]]
    # The stand-in checks the bearer token of both requests, so two recorded paths and the
    # successes above mean that it accepted the token given to the client.
    assert outcome["paths"] == ["/v1/users", f"/v1/users/{outcome['user_id']}/sessions"]


def test_netrc_ignored_by_client(tmp_path: Path) -> None:
    """A ~/.netrc entry for 127.0.0.1 does not replace the client's bearer token."""
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1\nlogin mallory\npassword hunter2\n", encoding="utf-8")
    netrc.chmod(0o600)

    outcome = run_program(clean_environment(tmp_path))

    assert_call_succeeded(outcome)
    # Plain requests sends the .netrc credentials as Basic auth instead, so the server
    # rejects it: the .netrc is in effect in this environment.
    assert outcome["control"] == 401


def test_dead_environment_proxy_skipped(tmp_path: Path) -> None:
    """HTTP_PROXY and HTTPS_PROXY at a dead loopback port do not stop the client."""
    environment = clean_environment(tmp_path)
    dead_proxy = f"http://127.0.0.1:{unused_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        environment[name] = dead_proxy

    outcome = run_program(environment)

    assert_call_succeeded(outcome)
    # Plain requests sends the request to the dead proxy and fails.
    assert outcome["control"] == "ProxyError"


def test_missing_ca_bundle_ignored_for_http(tmp_path: Path) -> None:
    """A REQUESTS_CA_BUNDLE that does not exist does not stop a client of an http host."""
    environment = clean_environment(tmp_path)
    environment["REQUESTS_CA_BUNDLE"] = str(tmp_path / "missing-bundle.pem")

    # The client reads the variable, but uses a CA bundle only for https, so building the
    # client for an http host must not fail on the missing file.
    outcome = run_program(environment)

    assert_call_succeeded(outcome)
