#!/usr/bin/env bash
# Installs Debian packages that an optional feature needs: as root, or through sudo. Where
# there is no apt-get, or no root and no sudo, it says what to install and exits 0: the
# feature stays off and its tests are skipped, with a reason, until then.
# Usage: scripts/apt-install.sh [--no-recommends] "WHAT FOR" PACKAGE...
set -euo pipefail

options=()
if [[ "${1:-}" == --no-recommends ]]; then options=(--no-install-recommends); shift; fi
purpose="$1"; shift

if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get here: install $* by other means for $purpose (off until then)" >&2
    exit 0
fi
runner=()
if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "$* missing: run 'sudo apt-get install $*' for $purpose (off until then)" >&2
        exit 0
    fi
    runner=(sudo)
fi
echo "installing Debian's $* for $purpose"
"${runner[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "${options[@]}" "$@"
