"""The transport and its environment: ~/.netrc, proxy variables and CA bundle variables.

Each case runs the transport in a subprocess with its own HOME and environment, so that
nothing leaks into or out of the test process. The stand-in server runs in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import certifi
import pytest

from nexmo_client.testing import StandInServer
from tests.raw_server import unused_port

pytestmark = pytest.mark.slow

# Runs one get_json call and prints a JSON line: the result or the error, and the number of
# retries logged. argv: base URL, path, token, then HttpSettings keyword arguments as JSON.
CALL_SCRIPT = """
import json, logging, sys
from nexmo_client._http import HttpSettings, Transport
from nexmo_client.errors import NexmoApiError

retries = []
class Counter(logging.Handler):
    def emit(self, record):
        if record.levelno == logging.WARNING:
            retries.append(record.getMessage())
http_logger = logging.getLogger("nexmo_client.http")
http_logger.addHandler(Counter())
http_logger.setLevel(logging.DEBUG)

base_url, path, token, settings = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
try:
    transport = Transport(base_url, HttpSettings(**settings), pool_size=1)
except ValueError as error:
    print(json.dumps({"init_error": str(error)}))
    sys.exit(0)
try:
    body = transport.get_json(path, [], token)
    print(json.dumps({"body": body, "retries": len(retries)}))
except NexmoApiError as error:
    print(json.dumps({"error": type(error).__name__, "type": error.type,
                      "message": error.message, "retries": len(retries)}))
finally:
    transport.close()
"""

FAST_SETTINGS = {
    "connect_timeout": 1.0,
    "read_timeout": 2.0,
    "request_deadline": 3.0,
    "total_deadline": 6.0,
    "max_retries": 2,
    "backoff_initial": 0.01,
    "backoff_max": 0.02,
}


def clean_environment(home: Path) -> dict[str, str]:
    """Return an environment with this HOME and none of the proxy or CA variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.lower().endswith("_proxy")
        and name not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
    }
    environment["HOME"] = str(home)
    return environment


def run_call(
    environment: dict[str, str], base_url: str, path: str, token: str, **settings: Any
) -> dict[str, Any]:
    """Run CALL_SCRIPT in a subprocess and return its JSON line."""
    completed = subprocess.run(
        [sys.executable, "-c", CALL_SCRIPT, base_url, path, token, json.dumps(settings)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def alice(stand_in: StandInServer) -> tuple[str, str, str]:
    """Alice's sessions path, her token and her one session id."""
    user = stand_in.store.add_user("alice")
    session_id = stand_in.store.open_session(user.id)
    return f"/v1/users/{user.id}/sessions", stand_in.mint_token("alice"), session_id


def test_netrc_does_not_replace_token(
    stand_in: StandInServer, alice: tuple[str, str, str], tmp_path: Path
) -> None:
    """A ~/.netrc entry for 127.0.0.1 is ignored: the bearer token reaches the server."""
    path, token, session_id = alice
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1\nlogin mallory\npassword hunter2\n")
    netrc.chmod(0o600)
    environment = clean_environment(tmp_path)

    # Control: plain requests in the same environment does pick the .netrc entry up and
    # sends Basic credentials instead of the bearer token, so the server rejects it.
    control = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, requests; r = requests.get(sys.argv[1], headers={'Authorization': "
            "'Bearer ' + sys.argv[2]}); print(r.status_code)",
            stand_in.url + path,
            token,
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result = run_call(environment, stand_in.url, path, token, **FAST_SETTINGS)

    assert control.stdout.strip() == "401"
    assert "body" in result, result
    assert result["body"]["_embedded"]["sessions"][0]["id"] == session_id
    assert stand_in.requests[-1].path == path


def test_environment_proxies_skipped_for_loopback(
    stand_in: StandInServer, alice: tuple[str, str, str], tmp_path: Path
) -> None:
    """HTTP_PROXY and HTTPS_PROXY at a dead port do not stop calls to a loopback host."""
    path, token, session_id = alice
    dead_proxy = f"http://127.0.0.1:{unused_port()}"
    environment = clean_environment(tmp_path)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        environment[name] = dead_proxy

    result = run_call(environment, stand_in.url, path, token, **FAST_SETTINGS)

    assert "body" in result, result
    assert result["body"]["_embedded"]["sessions"][0]["id"] == session_id
    assert result["retries"] == 0


def test_environment_proxies_skipped_for_localhost(
    stand_in: StandInServer, alice: tuple[str, str, str], tmp_path: Path
) -> None:
    """The name localhost counts as loopback too, so the dead environment proxy is skipped."""
    path, token, session_id = alice
    port = stand_in.url.rsplit(":", 1)[1]
    environment = clean_environment(tmp_path)
    environment["HTTP_PROXY"] = f"http://127.0.0.1:{unused_port()}"

    result = run_call(environment, f"http://localhost:{port}", path, token, **FAST_SETTINGS)

    assert "body" in result, result
    assert result["body"]["_embedded"]["sessions"][0]["id"] == session_id


def test_ca_bundle_explicit_wins_over_environment(stand_in: StandInServer, tmp_path: Path) -> None:
    """With REQUESTS_CA_BUNDLE missing, an explicit verify path is used: one TLS attempt."""
    port = stand_in.url.rsplit(":", 1)[1]
    environment = clean_environment(tmp_path)
    environment["REQUESTS_CA_BUNDLE"] = str(tmp_path / "missing-bundle.pem")
    environment["CURL_CA_BUNDLE"] = str(tmp_path / "missing-bundle.pem")

    result = run_call(
        environment,
        f"https://127.0.0.1:{port}",
        "/v1/users/USR-1/sessions",
        "opaque-token",
        verify=certifi.where(),
        **FAST_SETTINGS,
    )

    assert result.get("error") == "NexmoConnectionError", result
    assert result["type"] == "error:network:tls"
    assert result["retries"] == 0
    assert "missing-bundle" not in result["message"]


def test_ca_bundle_missing_in_environment_rejected(stand_in: StandInServer, tmp_path: Path) -> None:
    """Without an explicit verify, a REQUESTS_CA_BUNDLE that does not exist fails at creation."""
    port = stand_in.url.rsplit(":", 1)[1]
    environment = clean_environment(tmp_path)
    environment["REQUESTS_CA_BUNDLE"] = str(tmp_path / "missing-bundle.pem")

    result = run_call(
        environment, f"https://127.0.0.1:{port}", "/v1/users/USR-1/sessions", "opaque-token"
    )

    assert "init_error" in result, result
    assert "REQUESTS_CA_BUNDLE" in result["init_error"]
    assert "missing-bundle.pem" in result["init_error"]
    assert stand_in.requests == []


def test_ca_bundle_bogus_file_is_tls_error(stand_in: StandInServer, tmp_path: Path) -> None:
    """A CA bundle file that contains no certificate gives a TLS error, not a retry storm."""
    port = stand_in.url.rsplit(":", 1)[1]
    bogus = tmp_path / "bogus-bundle.pem"
    bogus.write_text("this is not a certificate\n")
    environment = clean_environment(tmp_path)
    environment["REQUESTS_CA_BUNDLE"] = str(bogus)

    result = run_call(
        environment,
        f"https://127.0.0.1:{port}",
        "/v1/users/USR-1/sessions",
        "opaque-token",
        **FAST_SETTINGS,
    )

    assert result.get("error") == "NexmoConnectionError", result
    assert result["type"] == "error:network:tls"
    assert result["retries"] == 0
