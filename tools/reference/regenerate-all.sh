#!/usr/bin/env bash
# Regenerates every fixture with the pinned reference environment, then the manifest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${JANUS_REF_VENV:-$here/.venv}
[ -x "$venv/bin/python" ] || "$here/setup-venv.sh" >/dev/null
cd "$here/../.."
for script in "$here"/make_*_fixtures.py; do
    echo "== $(basename "$script")"
    "$venv/bin/python" "$script"
done
"$venv/bin/python" "$here/make_manifest.py"
