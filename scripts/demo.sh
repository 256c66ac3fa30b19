#!/usr/bin/env bash
# Run the online-status tool. With no target it starts the embedded stand-in server with the
# demo data; arguments go to the tool, for example: scripts/demo.sh --help
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
exec "$venv/bin/nexmo-online-status" "$@"
