#!/usr/bin/env bash
# Run every check that CI runs: ruff, mypy --strict on the package, then pytest.
# Arguments go to pytest, for example: scripts/test.sh -k pages -x
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
cd "$root"

"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/mypy" --strict nexmo_client/
"$venv/bin/python" -m pytest "$@"
