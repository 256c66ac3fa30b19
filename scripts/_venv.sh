# Sourced by the other scripts: makes .venv and installs the package with its extras into it.
# The install runs again only when a packaging file changes, so later runs start at once.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: nexmo_client needs Python 3.11 or newer, but $python is $("$python" -V 2>&1)." >&2
    echo "Set PYTHON to a newer interpreter, for example: PYTHON=python3.12 $0" >&2
    exit 2
fi

packaging_hash=$(cat "$root/setup.cfg" "$root/setup.py" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.install-stamp" 2>/dev/null)" != "$packaging_hash" ]]; then
    echo "Installing nexmo_client and its test tools into $venv ..." >&2
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root[testing,test]"
    echo "$packaging_hash" >"$venv/.install-stamp"
fi
