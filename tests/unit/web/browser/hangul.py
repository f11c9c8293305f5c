"""Checks that a page draws Hangul with a font its own CSS names, shared by the labeling page
and report tests.

Chromium on Linux falls back to any installed font that has a glyph, so a page whose font
stack names no Korean font still shows Hangul here, and shows empty boxes on a system whose
fallback finds none. Two checks tell a named font from luck: the DevTools protocol
(``CSS.getPlatformFontsForNode``) says which installed fonts drew an element's text, and
every one of them that covers Hangul must be named in the element's ``font-family``; and a
screenshot of each syllable drawn alone must differ from the others and from blank, which
"tofu" (the same missing-glyph box for every character) never does.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOW_TO_GET_ONE = ("no installed font covers Hangul: run scripts/install-browser.sh "
                  "(installs Debian's fonts-nanum) or install any Korean font")


def hangul_families() -> set[str]:
    """Names (every localized alias, lower case) of the installed fonts that cover Korean."""
    if shutil.which("fc-list") is None:
        return set()
    listed = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True,
                            text=True, check=False).stdout
    return {name.strip().lower() for line in listed.splitlines() for name in line.split(",")
            if name.strip()}


def require_hangul_font() -> set[str]:
    families = hangul_families()
    if not families:
        pytest.skip(HOW_TO_GET_ONE)
    return families


def drawing_fonts(page: Page, selector: str) -> set[str]:
    """Family names of the installed fonts that drew the text of ``selector``."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"].lower() for font in fonts if font["glyphCount"]}


def named_families(page: Page, selector: str) -> list[str]:
    """The element's computed ``font-family``, one lower-case name per entry."""
    value = page.eval_on_selector(selector, "e => getComputedStyle(e).fontFamily")
    return [name.strip().strip("\"'").lower() for name in value.split(",")]


def syllable_pixels(page: Page, selector: str, syllables: str) -> list[bytes]:
    """Each syllable drawn alone in the element's font, as grey pixels."""
    from PIL import Image

    page.eval_on_selector(selector, """(e, syllables) => {
        const row = document.createElement('div');
        row.id = 'hangul-probe';
        row.style.cssText = 'position:fixed;left:0;top:0;background:#fff;color:#000;z-index:9';
        for (const s of syllables) {
            const span = document.createElement('span');
            span.textContent = s;
            span.style.cssText = `font-family:${getComputedStyle(e).fontFamily};` +
                'font-size:32px;line-height:40px;display:inline-block;width:40px;';
            row.appendChild(span);
        }
        document.body.appendChild(row);
    }""", syllables)
    spans = page.locator("#hangul-probe span")
    shots = [spans.nth(i).screenshot() for i in range(len(syllables))]
    page.eval_on_selector("#hangul-probe", "e => e.remove()")
    return [Image.open(io.BytesIO(shot)).convert("L").tobytes() for shot in shots]


def assert_hangul_drawn(page: Page, selector: str, syllables: str) -> None:
    """The element's Hangul is drawn by a font its CSS names, as real glyphs."""
    covering = require_hangul_font()
    used = drawing_fonts(page, selector) & covering
    assert used, f"no font covering Hangul drew {selector} (fonts: {drawing_fonts(page, selector)})"
    named = set(named_families(page, selector))
    assert used <= named, (f"Hangul in {selector} was drawn by {sorted(used)}, which its "
                           f"font-family does not name ({sorted(named)}): system fallback")
    pixels = syllable_pixels(page, selector, syllables)
    blank = bytes([255]) * len(pixels[0])
    assert all(p != blank for p in pixels), "a syllable drew nothing"
    assert len(set(pixels)) == len(pixels), "syllables drew the same shape: missing-glyph boxes"
