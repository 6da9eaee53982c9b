#!/usr/bin/env bash
# Installs what janus-eval builds against when any of it is missing: OpenBLAS, libpng, libjpeg-turbo, json-c (and pkg-config).
# With --test, also what the test command drives for real: Debian's chromium (report.html in a headless browser)
# and jq (report comparisons in the Slurm smoke test); Slurm itself is installed by tools/cluster/slurm-up.
# Debian/Ubuntu: apt-get. Elsewhere it says what to install and stops.
set -euo pipefail
# libjpeg-turbo's classic libjpeg API: Debian names it libjpeg62-turbo-dev, Ubuntu libjpeg-turbo8-dev.
jpeg=libjpeg62-turbo-dev
if grep -qs '^ID=ubuntu' /etc/os-release; then jpeg=libjpeg-turbo8-dev; fi
packages=(libopenblas-dev libpng-dev "$jpeg" libjson-c-dev pkg-config)
if [ "${1:-}" = "--test" ]; then packages+=(chromium jq); fi
need=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "janus-eval needs: ${need[*]}; install them with your package manager." >&2
    exit 1
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${need[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
