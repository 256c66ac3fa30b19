"""Measure the client-side CPU time of one user-sessions call, against naive requests code.

Starts the stand-in server in a separate process (so its CPU time is not counted), then, in
this process, times the same GET with ``time.process_time()``, which counts the CPU time of
every thread here (worker, callback and deadline threads included):

* ``requests.get(url, headers=...)``, a new session and connection per call;
* ``requests.Session().get(...)``, one session reused;
* ``Transport.get_json``, the library's transport;
* ``NexmoClient.get_user_sessions(...).result()``, the whole client, when it exists.

Each case runs ``--calls`` calls per repetition, ``--repetitions`` times, after a warm-up, and
reports the median, minimum and maximum CPU microseconds per call, and the median wall time.
The repetitions of the cases are interleaved (one repetition of every case, then the next), so
that a change in the machine's load during the run reaches every case alike. The client's cost
over its transport is also reported as the median of the per-repetition differences.

Run from the repository root: ``.venv/bin/python benchmarks/cpu_per_call.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from nexmo_client._http import HttpSettings, Transport

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "nexmo_client" / "demo-data" / "demo-seed.json"
TRANSPORT_CASE = "Transport.get_json"
CLIENT_CASE = "NexmoClient.get_user_sessions().result()"


def start_server(seed: Path, user_name: str) -> tuple[subprocess.Popen[str], str, str]:
    """Start the stand-in server on a free loopback port; return it, its URL and a token."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nexmo_client.testing",
            "--seed",
            str(seed),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--token-for",
            user_name,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    token = server.stdout.readline().strip()
    if not url.startswith("http://") or not token:
        server.kill()
        raise SystemExit(f"the stand-in server did not start: printed {url!r}")
    return server, url, token


def time_repetition(call: Callable[[], Any], calls: int) -> tuple[float, float]:
    """Run ``calls`` calls; return the CPU and wall microseconds per call."""
    cpu_started = time.process_time()
    wall_started = time.perf_counter()
    for _ in range(calls):
        call()
    cpu = (time.process_time() - cpu_started) / calls * 1e6
    wall = (time.perf_counter() - wall_started) / calls * 1e6
    return cpu, wall


def measure_all(
    cases: dict[str, Callable[[], Any]], calls: int, repetitions: int
) -> dict[str, dict[str, Any]]:
    """Time every case, repetitions interleaved; return its CPU and wall microseconds per call.

    Each case's entry has the median, min and max CPU time over the repetitions, the median
    wall time, and the list of CPU times per repetition, in order.
    """
    for call in cases.values():
        for _ in range(max(20, calls // 10)):
            call()
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    wall: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repetitions):
        for name, call in cases.items():
            cpu_per_call, wall_per_call = time_repetition(call, calls)
            cpu[name].append(cpu_per_call)
            wall[name].append(wall_per_call)
    return {
        name: {
            "cpu_median": statistics.median(cpu[name]),
            "cpu_min": min(cpu[name]),
            "cpu_max": max(cpu[name]),
            "wall_median": statistics.median(wall[name]),
            "cpu_each": cpu[name],
        }
        for name in cases
    }


def build_cases(
    url: str, token: str, user_id: str
) -> tuple[dict[str, Callable[[], Any]], list[Any]]:
    """Return the cases by name, and the objects to close afterwards."""
    path = f"/v1/users/{user_id}/sessions"
    params = [("page_size", "10"), ("order", "asc")]
    headers = {"Authorization": f"Bearer {token}"}
    to_close: list[Any] = []

    def naive_get() -> Any:
        response = requests.get(url + path, params=params, headers=headers, timeout=10)
        response.raise_for_status()
        return response.json()

    session = requests.Session()
    to_close.append(session)

    def naive_session() -> Any:
        response = session.get(url + path, params=params, headers=headers, timeout=10)
        response.raise_for_status()
        return response.json()

    transport = Transport(url, HttpSettings(), pool_size=4)
    to_close.append(transport)

    def library_transport() -> Any:
        return transport.get_json(path, params, token)

    cases: dict[str, Callable[[], Any]] = {
        "requests.get(url, headers=...)": naive_get,
        "requests.Session().get(...)": naive_session,
        TRANSPORT_CASE: library_transport,
    }

    # The client is measured only once it exists, so the script also runs on a bare transport.
    client_class = getattr(importlib.import_module("nexmo_client"), "NexmoClient", None)
    if client_class is not None:
        client = client_class(rest_environment_host=url)
        to_close.append(client)
        client.login(token).result(timeout=30)

        def library_client() -> Any:
            return client.get_user_sessions(user_id, 10).result(timeout=30)

        cases[CLIENT_CASE] = library_client
    return cases, to_close


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per repetition (default 500)")
    parser.add_argument(
        "--repetitions", type=int, default=5, help="repetitions per case (default 5)"
    )
    parser.add_argument("--seed", type=Path, default=SEED, help="seed file for the stand-in server")
    options = parser.parse_args()

    seed = json.loads(options.seed.read_text(encoding="utf-8"))
    first_user = seed["users"][0]
    load_before = os.getloadavg()[0]
    server, url, token = start_server(options.seed, first_user["name"])
    try:
        cases, to_close = build_cases(url, token, first_user["id"])
        try:
            results = measure_all(cases, options.calls, options.repetitions)
        finally:
            for item in to_close:
                item.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"Python {platform.python_version()}, requests {requests.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}"
    )
    print(
        f"{options.calls} calls x {options.repetitions} repetitions per case, interleaved; "
        f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after\n"
    )
    print(f"{'case':<44} {'CPU us/call':>12} {'(min':>8} {'max)':>8} {'wall us/call':>13}")
    for name, figures in results.items():
        print(
            f"{name:<44} {figures['cpu_median']:>12.0f} {figures['cpu_min']:>8.0f} "
            f"{figures['cpu_max']:>8.0f} {figures['wall_median']:>13.0f}"
        )
    if CLIENT_CASE in results:
        # Paired by repetition: both ran back to back, under about the same load.
        differences = [
            client - transport
            for client, transport in zip(
                results[CLIENT_CASE]["cpu_each"], results[TRANSPORT_CASE]["cpu_each"], strict=True
            )
        ]
        print(
            f"\nclient minus transport, CPU us/call: median {statistics.median(differences):.0f}, "
            f"min {min(differences):.0f}, max {max(differences):.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
