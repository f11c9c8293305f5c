"""What counts as a storable text, and the identity of a text: one definition for every door.

Texts enter the store through file imports, the crawler, the labeling app, synthetic data,
and the inference server's prediction log and feedback. Each of those doors must accept and
refuse the same texts, and must give the same text the same record id, or rows that are the
same to a user become different rows (or one bad row breaks a batch written beside it).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable

from textloop.errors import InvalidInputError

_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
# Characters that take no width: two texts differing only by them look identical.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Categories of characters a name must not hold: control (Cc), format (Cf: zero-width,
# bidi overrides and marks, soft hyphen), lone surrogates (Cs), line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Letters of other scripts drawn like Latin ones (a small part of Unicode's confusables.txt,
# after NFKC and casefold): enough that 'ѕраm' (Cyrillic) is seen as 'spam'.
_CONFUSABLES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s",
    "т": "t", "у": "y", "ү": "y", "х": "x", "ԝ": "w", "ь": "b", "п": "n", "г": "r",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "μ": "u",
    # Latin look-alikes
    "ı": "i", "ɩ": "i", "ɡ": "g", "ʏ": "y", "ſ": "s",
})
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARKUP = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*|/[A-Za-z][A-Za-z0-9]*|!--)[^<>]*>"
                     r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def normalize_text(value: str) -> str:
    """Surrounding whitespace and Windows line endings carry no meaning; drop them."""
    return value.replace("\r\n", "\n").strip()


def normalized_offsets(value: str, offsets: Iterable[int]) -> list[int]:
    """Where each character offset into ``value`` falls in ``normalize_text(value)``, so
    spans over a text can follow it when it is normalised.

    A CRLF becomes one LF: an offset before or inside the pair falls before the LF, one
    after it after the LF. Offsets in the stripped whitespace move to the nearest end of
    what is kept (a span over only such whitespace becomes empty, for the caller to refuse).
    """
    folded = value.replace("\r\n", "\n")
    lead = len(folded) - len(folded.lstrip())
    length = len(folded.strip())
    out = []
    for offset in offsets:
        inside = 0 < offset < len(value) and value[offset - 1:offset + 1] == "\r\n"
        at = offset - value.count("\r\n", 0, offset) - inside - lead
        out.append(min(max(at, 0), length))
    return out


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as text, or None when it can.

    A NUL character is almost always binary data, and a lone UTF-16 surrogate (``"\\ud800"``
    in a JSON escape) is not text at all: UTF-8 cannot encode it, so writing it fails later,
    far from the request that sent it.
    """
    if "\x00" in text:
        return "contains a NUL character (binary data?)"
    if _SURROGATE.search(text) is not None:
        return "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"
    return None


def dedup_key(text: str) -> str:
    """The text as identity sees it: NFC-normalised, without zero-width characters.

    "café" typed on a Mac (NFD: e + combining accent) and on Windows (NFC: é), or a text
    with a stray zero-width space, look the same to every reader; as separate records they
    would hold conflicting labels for one text and leak between release splits. Width and
    case stay (NFC, not NFKC): those differences are visible. The stored text is never
    changed; only its identity is.
    """
    if text.isascii():  # the common case: nothing to normalise
        return text
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))


def similarity_form(text: str) -> str:
    """The form texts are compared in for (near-)duplicates and their shingles: the text's
    identity (``dedup_key``), case folded, runs of whitespace as one space. One definition,
    so MinHash near-duplicates and the synthetic-data gate's diversity cut the same text
    into the same shingles."""
    return _SPACE.sub(" ", dedup_key(text).casefold()).strip()


def text_fix(problem: str) -> str:
    """What to do about a ``text_problem``: the hint every door gives with it."""
    if "NUL" in problem:
        return "remove the NUL characters (is this binary data?)"
    return "send valid UTF-8 text (a JSON \\ud800-\\udfff escape must be half of a surrogate pair)"


def check_text(text: str, field: str) -> str:
    """``text`` unchanged when it can be stored, else a 422 naming ``field`` (``texts[3]``).

    Doors that take text from a request call this before anything is queued or written, so
    a text the store cannot hold is refused where it was sent, never later in a batch it
    shares with other clients' rows. The message never repeats the text: a lone surrogate
    cannot even be encoded into the JSON error.
    """
    problem = text_problem(text)
    if problem is not None:
        raise text_error(field, problem)
    return text


def text_error(field: str, problem: str) -> InvalidInputError:
    """The 422 for a ``text_problem`` in ``field``: one message, fix and ``details.field``
    whichever door (a stage's ``check_text`` or ``asgi.StorableText`` field) found it."""
    return InvalidInputError(f"{field} {problem}", hint=text_fix(problem), field=field)


def content_hash(text: str) -> str:
    """sha256 of the text's ``dedup_key``: the store's dedup key and the source of record ids.

    A text that is already normal hashes to the sha256 of its own UTF-8 bytes, as before
    normalisation was introduced, so stored records keep their ids. (The embedding cache
    keys vectors by the exact text instead: a vector is computed from the exact text.)
    """
    return hashlib.sha256(dedup_key(text).encode("utf-8", "surrogatepass")).hexdigest()


def record_id(hash_hex: str) -> str:
    """Stable id from the content hash: the same text has the same id in every store."""
    return hash_hex[:16]


def hidden_character(name: str) -> str | None:
    """The first invisible or control character in ``name`` (``"U+200B ZERO WIDTH SPACE"``),
    or None. Such a character makes two different names print the same."""
    for char in name:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            code = f"U+{ord(char):04X}"
            described = unicodedata.name(char, "")
            return f"{code} {described}" if described else f"{code} (a control character)"
    return None


_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (all but tab and newline: an escape sequence could recolour, move the
cursor or retitle the terminal) and bidi embeddings, overrides and isolates (they reorder
what follows, so a record could show other text than it holds)."""


def terminal_safe(text: str) -> str:
    """``text`` with the characters a terminal would act on instead of print shown as
    escapes (``\\x1b``, ``\\u202e``); everything else, ZWJ emoji and combining marks
    included, unchanged. For printing stored text, which is never altered itself."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                                text)


def terminal_safe_json(document: str) -> str:
    """A JSON document (``json.dumps(..., ensure_ascii=False)``) with the characters
    ``terminal_safe`` shows as escapes written as JSON escapes (``\\u202e``).

    JSON itself escapes C0 controls but not C1 controls nor bidi overrides; outside strings a
    JSON document is ASCII, so every such character is inside a string and its ``\\uXXXX``
    escape reads back as the same text: the value stays exact, other letters stay readable,
    and printing the document to a terminal moves nothing."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def skeleton(name: str) -> str:
    """What ``name`` looks like: NFKC (full-width, bold and other compatibility forms),
    casefold, no zero-width characters, and look-alike letters of other scripts mapped to
    Latin. Two names with one skeleton are too easily taken for each other."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _ZERO_WIDTH.sub("", folded).translate(_CONFUSABLES)


def unescape_html(text: str) -> str:
    """HTML line breaks as newlines and character references as their characters.

    For text scraped from web pages (``textloop import --unescape-html``): ``<br />`` and
    ``&amp;`` are how the page wrote a line break and an ampersand, not what the author
    typed. Breaks are replaced first, so an escaped ``&lt;br /&gt;`` (someone writing about
    the tag) stays the text ``<br />``. Other tags are kept: the web app always displays
    text escaped, so they show as the characters they are.
    """
    return html.unescape(_BREAK.sub("\n", text))


def has_html_markup(text: str) -> bool:
    """Whether the text holds HTML tags or character references (``<br />``, ``&amp;``),
    so a viewer can say it is shown literally; a bare ``<`` or ``&`` is not markup."""
    return _MARKUP.search(text) is not None


_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
"""A cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, or a tab or CR
before one), possibly behind quotes that an earlier escape added."""


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _needs_formula_escape(cell: str) -> bool:
    return _FORMULA_START.match(cell) is not None and not _is_number(cell)


def spreadsheet_escape(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: one ``'`` before a cell that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a CR (OWASP's advice against CSV formula injection),
    so Excel, LibreOffice and Google Sheets show it as text instead of running it.

    Plain numbers (``-3.5``, ``+1``) are left alone: a spreadsheet reads them as numbers,
    which is what they are. A cell already starting with quotes before such a character
    gets one more, so ``spreadsheet_unescape`` gives back exactly the original in every case.
    """
    return "'" + cell if _needs_formula_escape(cell) else cell


def spreadsheet_unescape(cell: str) -> str:
    """The inverse of ``spreadsheet_escape``: drop the one ``'`` it would have added."""
    if cell.startswith("'") and _needs_formula_escape(cell[1:]):
        return cell[1:]
    return cell
