#!/usr/bin/env bash
# Headless Chromium for the browser tests (Playwright drives the system browser; nothing is
# downloaded from a browser CDN). Uses Debian's `chromium` package when none is found.
# Without a browser the browser tests are skipped, with a reason that points here.
set -euo pipefail

find_browser() {
    if [[ -n "${TEXTLOOP_CHROMIUM:-}" && -x "${TEXTLOOP_CHROMIUM}" ]]; then
        echo "$TEXTLOOP_CHROMIUM"; return 0
    fi
    local name
    for name in chromium chromium-browser google-chrome; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    done
    return 1
}

if browser="$(find_browser)"; then
    echo "browser tests will use $browser"
    exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
    runner=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then runner=(sudo); else
            echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests are skipped until then)" >&2
            exit 0
        fi
    fi
    echo "installing Debian's chromium for the browser tests"
    "${runner[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq chromium
    find_browser
    exit 0
fi

echo "No Chromium found and no apt-get: install Chromium and set TEXTLOOP_CHROMIUM to its path (browser tests are skipped until then)" >&2
