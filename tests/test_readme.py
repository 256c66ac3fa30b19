"""The README's excerpt of a demo run matches what the demo prints now."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nexmo_client import online_status

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXCERPT_INTRODUCTION = "The output of a real run"


def demo_excerpt() -> list[str]:
    """Return the lines of the first ``text`` code block after the excerpt's introduction."""
    text = README.read_text(encoding="utf-8")
    introduction = text.index(EXCERPT_INTRODUCTION)
    match = re.compile(r"^```text\n(.*?)^```", re.DOTALL | re.MULTILINE).search(text, introduction)
    assert match is not None, f"no ```text block after {EXCERPT_INTRODUCTION!r} in README.md"
    return match.group(1).splitlines()


def test_readme_demo_excerpt_matches() -> None:
    """Every table row and the summary line of the README excerpt appear verbatim in a demo
    run, and its stderr line matches apart from the port."""
    excerpt = demo_excerpt()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in (online_status.HOST_VARIABLE, online_status.TOKEN_VARIABLE)
    }
    environment["PYTHONIOENCODING"] = "utf-8"

    completed = subprocess.run(
        [sys.executable, "-m", "nexmo_client.online_status"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=ROOT,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    output_lines = set(completed.stdout.splitlines()) | set(completed.stderr.splitlines())
    started_lines = [line for line in excerpt if line.startswith("Started the stand-in server")]
    table_lines = [
        line
        for line in excerpt
        if line.startswith(("USER ID ", "USR-")) or re.fullmatch(r"\d+ of \d+ users online.*", line)
    ]
    assert len(started_lines) == 1
    assert len(table_lines) >= 3
    for line in table_lines:
        assert line in output_lines, line
    # The port differs on each run, so the stderr line is compared with the port as \d+.
    port_split = re.fullmatch(r"(.*http://127\.0\.0\.1:)\d+(.*)", started_lines[0])
    assert port_split is not None, started_lines[0]
    started_pattern = re.escape(port_split[1]) + r"\d+" + re.escape(port_split[2])
    stderr_lines = completed.stderr.splitlines()
    assert any(re.fullmatch(started_pattern, line) for line in stderr_lines), completed.stderr
