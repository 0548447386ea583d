#!/usr/bin/env bash
# Installs what Drillbook needs beyond Swift: Debian's libical and SQLite headers, pkg-config,
# tzdata (libical reads /usr/share/zoneinfo), unicode-cldr-core (CLDR's table of Windows zone
# names, for TZID=Pacific Standard Time), python's venv for the test checkers, and mimalloc (the
# allocator release builds link: Package.swift, releaseAllocator).
# Does nothing when all are present, so it needs root (or sudo) only the first time.
set -euo pipefail

packages=(libical-dev libsqlite3-dev zlib1g-dev pkg-config tzdata unicode-cldr-core python3-venv msmtp libmimalloc-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
