#!/usr/bin/env bash
# Creates the pinned Python environment the fixture scripts run in (tools/reference/.venv).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${JANUS_REF_VENV:-$here/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r "$here/requirements.txt"
echo "$venv"
