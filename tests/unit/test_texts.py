"""The shared text rules: what is a storable text, how a text is identified, how a name looks."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.texts import (
    content_hash,
    dedup_key,
    has_html_markup,
    hidden_character,
    normalize_text,
    normalized_offsets,
    record_id,
    skeleton,
    spreadsheet_escape,
    spreadsheet_unescape,
    terminal_safe,
    terminal_safe_json,
    unescape_html,
)

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


# --- identity: one record per text a reader cannot tell apart ---------------------------------

def test_nfc_nfd_and_zero_width_variants_share_one_content_hash() -> None:
    assert NFC != NFD
    assert content_hash(NFC) == content_hash(NFD)
    assert content_hash("spam\u200b") == content_hash("spam") == content_hash("sp\ufeffam")
    assert content_hash("spam") != content_hash("Spam")


def test_the_hash_of_an_already_normal_text_is_its_exact_sha256() -> None:
    """Records stored before normalisation keep their ids: a normal text hashes as before."""
    import hashlib

    for text in [NFC, "plain", "한국어 텍스트", "emoji 😀", "lone \udc80 surrogate"]:
        assert content_hash(text) == hashlib.sha256(
            text.encode("utf-8", "surrogatepass")).hexdigest()


def test_dedup_key_keeps_visible_differences() -> None:
    assert dedup_key(NFD) == NFC
    assert dedup_key("a\u200cb\u200dc\u2060d") == "abcd"
    assert dedup_key("Ａ") == "Ａ"  # width and case are visible: only NFC, not NFKC
    assert record_id(content_hash(NFD)) == record_id(content_hash(NFC))


# --- names: invisible characters and look-alikes ----------------------------------------------

@pytest.mark.parametrize(("name", "found"), [
    ("spam\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u202espam", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("sp\x07am", "U+0007"),
    ("tab\there", "U+0009"),
    ("soft\u00adhyphen", "U+00AD SOFT HYPHEN"),
])
def test_hidden_characters_are_named(name, found) -> None:
    assert found in hidden_character(name)


@pytest.mark.parametrize("name", ["spam", "no spam", "스팸", "café", "naïve-bayes", "PER"])
def test_visible_names_have_no_hidden_character(name) -> None:
    assert hidden_character(name) is None


@pytest.mark.parametrize("variant", ["\u0455\u0440\u0430m", "SPAM", "Spam", "ｓｐａｍ",
                                     "𝐬𝐩𝐚𝐦", "spa\u200bm", "ѕpam"])
def test_look_alikes_share_a_skeleton(variant) -> None:
    assert skeleton(variant) == skeleton("spam")


@pytest.mark.parametrize(("a", "b"), [("spam", "scam"), ("ham", "harm"), ("PER", "ORG"),
                                      ("스팸", "햄")])
def test_different_names_have_different_skeletons(a, b) -> None:
    assert skeleton(a) != skeleton(b)


# --- HTML that came with imported text ---------------------------------------------------------


def test_unescape_html_turns_breaks_and_entities_into_what_they_mean() -> None:
    assert unescape_html("Great film.<br /><br />Fish &amp; chips &#8212; &quot;ok&quot;<BR>end") \
        == 'Great film.\n\nFish & chips \u2014 "ok"\nend'


def test_an_escaped_break_stays_text_after_unescaping() -> None:
    """``&lt;br /&gt;`` is someone writing about a tag: it becomes ``<br />``, not a break."""
    assert unescape_html("type &lt;br /&gt; for a break") == "type <br /> for a break"


@pytest.mark.parametrize(("text", "expected"), [
    ("line one<br />line two", True), ("<b>bold</b>", True), ("fish &amp; chips", True),
    ("&#39;quoted&#39;", True), ("a < b and c > d", False), ("AT&T rocks", False),
    ("plain text", False),
])
def test_has_html_markup(text: str, expected: bool) -> None:
    assert has_html_markup(text) is expected


def test_terminal_safe_shows_escapes_and_keeps_the_rest() -> None:
    assert terminal_safe("red \x1b[31mtext\x07") == "red \\x1b[31mtext\\x07"
    assert terminal_safe("abc\u202edef") == "abc\\u202edef"  # bidi override shown, not obeyed
    kept = "김철수\t👩\u200d💻 e\u0301\nnext"
    assert terminal_safe(kept) == kept


def test_normalized_offsets_follow_the_normalized_text() -> None:
    value = " \r\nAna\r\nBob \r\n"
    normalized = normalize_text(value)
    assert normalized == "Ana\nBob"
    # 3-6 is Ana; 6 and 7 (before and inside the CRLF) fall before the LF; 8 after it
    assert normalized_offsets(value, [0, 3, 6, 7, 8, 11, 12, 14]) == [0, 0, 3, 3, 4, 7, 7, 7]
    assert normalized_offsets("plain", [0, 5]) == [0, 5]


def test_terminal_safe_json_escapes_what_a_terminal_obeys_and_keeps_the_value() -> None:
    """``json.dumps(ensure_ascii=False)`` escapes C0 controls but writes C1 controls (\\x9b is
    a CSI on some terminals) and bidi overrides raw; the JSON escapes read back as the
    same text, readable letters stay letters."""
    import json

    value = {"text": "김 \x9b31m \u202eevil \x1b[0m\r", "label": "[bold]x[/]"}
    document = terminal_safe_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(document) == value
    assert "\\u009b" in document and "\\u202e" in document and "김" in document
    assert not any(ch in document for ch in "\x9b\u202e\x1b\r")


@pytest.mark.parametrize(("cell", "escaped"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd", "'+1+cmd"),
    ("-2-cmd", "'-2-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("'=1", "''=1"), ("-3.5", "-3.5"), ("+1", "+1"), ("plain", "plain"), ("'quoted", "'quoted"),
    ("a=b", "a=b"), ("", ""),
])
def test_spreadsheet_escape_quotes_formula_cells_but_not_numbers(cell, escaped) -> None:
    assert spreadsheet_escape(cell) == escaped
    assert spreadsheet_unescape(escaped) == cell


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r1.e a"), max_size=8) | st.text(max_size=8))
def test_spreadsheet_unescape_undoes_escape_exactly(cell) -> None:
    assert spreadsheet_unescape(spreadsheet_escape(cell)) == cell
