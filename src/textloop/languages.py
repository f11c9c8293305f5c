"""Which writing systems a project's texts use, and the language tag that follows from it.

Defaults that suit English (word n-grams split on spaces) fail languages whose words are
not space-delimited units: Korean attaches particles to every noun (``학교에``,
``학교가``, ``학교를`` are three "words" for one school), Japanese, Chinese and Thai put no
spaces between words at all. The script a text is written in tells these apart cheaply and
without any model: counting letters by Unicode block over a sample of texts is enough.

The tag follows BCP 47. A script that belongs to one language here gives that language
(Hangul ``ko``, Kana ``ja``, Han alone ``zh``, Thai ``th``, Arabic ``ar``); a script shared
by many languages gives ``und-`` plus the script code (``und-Latn``, ``und-Cyrl``), which a
user replaces with ``en``, ``fr``, ... in ``textloop.yaml``; texts with no dominant script
give ``mul``. This module is pure (no third-party imports) so the CLI can load it at start.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# (first code point, last code point, script); the blocks that hold each script's letters
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"), (0xFF21, 0xFF3A, "Latin"), (0xFF41, 0xFF5A, "Latin"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xA960, 0xA97F, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"), (0xD7B0, 0xD7FF, "Hangul"), (0xFFA0, 0xFFDC, "Hangul"),
    (0x3040, 0x309F, "Kana"), (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"),
    (0x20000, 0x2FA1F, "Han"),
)
SCRIPTS = ("Hangul", "Han", "Kana", "Thai", "Arabic", "Cyrillic", "Latin")
# ISO 15924 codes, for the ``und-Xxxx`` tag of a script shared by many languages
_SCRIPT_CODES = {"Hangul": "Hang", "Han": "Hani", "Kana": "Kana", "Thai": "Thai",
                 "Arabic": "Arab", "Cyrillic": "Cyrl", "Latin": "Latn"}
_LANGUAGE_OF = {"Hangul": "ko", "Kana": "ja", "Han": "zh", "Thai": "th", "Arabic": "ar"}
# languages whose words are not space-delimited units (no spaces, or particles and endings
# glued to every stem): word n-grams see each inflected form as a new word
_UNSEGMENTED = frozenset({"ko", "ja", "zh", "th"})

DOMINANT_SHARE = 0.6  # below this share of letters no script is dominant: "mixed"
KANA_FOR_JAPANESE = 0.1  # Japanese mixes Han and Kana; Chinese has no Kana
SAMPLE_TEXTS = 2000  # texts looked at: enough for the shares, fast on any import
MIN_LETTERS = 20  # fewer letters than this in the whole sample say nothing


def script_of(char: str) -> str | None:
    """The script of one character, or None for digits, punctuation, emoji and the rest."""
    point = ord(char)
    if point < 0x41:
        return None
    for first, last, script in _RANGES:
        if first <= point <= last:
            return script
    return None


@dataclass(frozen=True)
class ScriptSummary:
    """Letters counted per script over a sample of texts, and what they add up to."""

    letters: Counter[str]
    texts: int

    @property
    def total(self) -> int:
        return sum(self.letters.values())

    def share(self, script: str) -> float:
        return self.letters[script] / self.total if self.total else 0.0

    @property
    def dominant(self) -> str:
        """The main script, ``mixed`` when none reaches ``DOMINANT_SHARE``, ``none`` when the
        sample holds too few letters to tell. Kana with Han is Japanese writing: ``Kana``."""
        if self.total < MIN_LETTERS:
            return "none"
        if self.share("Kana") >= KANA_FOR_JAPANESE and \
                self.share("Kana") + self.share("Han") >= DOMINANT_SHARE:
            return "Kana"
        script, count = self.letters.most_common(1)[0]
        return script if count / self.total >= DOMINANT_SHARE else "mixed"

    @property
    def language(self) -> str | None:
        """A BCP 47 tag (see the module docstring), or None when there is nothing to tell."""
        dominant = self.dominant
        if dominant == "none":
            return None
        if dominant == "mixed":
            return "mul"
        return _LANGUAGE_OF.get(dominant, f"und-{_SCRIPT_CODES[dominant]}")

    def describe(self) -> str:
        """``Hangul 93%, Latin 7%``: the scripts seen, largest first (for messages)."""
        if not self.total:
            return "no letters"
        return ", ".join(f"{script} {count / self.total:.0%}"
                         for script, count in self.letters.most_common() if count)


def detect_scripts(texts: Iterable[str], sample: int = SAMPLE_TEXTS) -> ScriptSummary:
    """Count the letters of each script in the first ``sample`` texts."""
    letters: Counter[str] = Counter()
    seen = 0
    for text in itertools.islice(texts, sample):
        seen += 1
        letters.update(s for s in map(script_of, text) if s is not None)
    return ScriptSummary(letters=letters, texts=seen)


def detect_language(texts: Iterable[str], sample: int = SAMPLE_TEXTS) -> str | None:
    """The language tag for a sample of texts (see ``ScriptSummary.language``)."""
    return detect_scripts(texts, sample).language


def base_language(tag: str | None) -> str | None:
    """``ko`` for ``ko``, ``ko-KR`` or ``KO``: the primary subtag, lower case."""
    return tag.split("-")[0].lower() if tag else None


def words_are_units(tag: str | None) -> bool:
    """False for languages where a space-split word is not a unit of meaning (see
    ``_UNSEGMENTED``): their text features should be character n-grams. Unknown: True."""
    return base_language(tag) not in _UNSEGMENTED


def may_be_english(tag: str | None) -> bool:
    """Whether a project's texts may be English, so English resources (WordNet, English
    stop words) apply: no tag yet, ``en`` in any region, or Latin script not yet narrowed
    down (``und-Latn``, which detection records for English until a user says more)."""
    return tag is None or base_language(tag) == "en" or tag.lower() == "und-latn"
