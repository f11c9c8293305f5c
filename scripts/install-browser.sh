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

if ! find_browser >/dev/null; then
    "$(dirname "$0")/apt-install.sh" "the browser tests" chromium
fi
if browser="$(find_browser)"; then
    echo "browser tests will use $browser"
else
    echo "No Chromium found: install Chromium and set TEXTLOOP_CHROMIUM to its path (browser tests are skipped until then)" >&2
fi
