#!/usr/bin/env bash
# Installs the three system libraries janus-eval builds against (and pkg-config) when any is missing.
# Debian/Ubuntu: apt-get. Elsewhere it says what to install and stops.
set -euo pipefail
need=()
for pkg in libopenblas-dev libpng-dev libjson-c-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "janus-eval needs: ${need[*]} (OpenBLAS, libpng, json-c and pkg-config); install them with your package manager." >&2
    exit 1
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${need[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
