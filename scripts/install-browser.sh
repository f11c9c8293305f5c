#!/usr/bin/env bash
# Headless Chromium for the browser tests (Playwright drives the system browser; nothing is
# downloaded from a browser CDN). Uses Debian's `chromium` package when none is found.
# Without a browser the browser tests are skipped, with a reason that points here.
# Also a font that covers Hangul (Debian's `fonts-nanum`) when the system has none, so pages
# with Korean text draw glyphs, not empty boxes; without one the Hangul test is skipped.
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
has_hangul_font() {
    command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=ko family)" ]]
}

if find_browser >/dev/null && ! has_hangul_font; then
    "$(dirname "$0")/apt-install.sh" --no-recommends "Korean text in the browser tests" fonts-nanum
fi
if browser="$(find_browser)"; then
    echo "browser tests will use $browser"
else
    echo "No Chromium found: install Chromium and set TEXTLOOP_CHROMIUM to its path (browser tests are skipped until then)" >&2
fi
