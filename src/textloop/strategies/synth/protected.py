"""The parts of a text that a model-free generator must never edit, and how they are kept.

Markup and identifiers are not words: WordNet read the ``br`` of ``<br />`` as the Red
Brigades and turned it into ``<Brigate Rosse />``, a typo in a URL or an e-mail address
breaks it, and a swap that splits ``<a href="...">`` apart leaves a broken tag. So before
an augmenter edits a seed, every protected span (HTML tags and comments, character
entities such as ``&amp;``, URLs, e-mail addresses, @mentions, numbers with their unit) is
replaced by a placeholder that no edit touches: a private-use character with no letters
and no whitespace, one per span, numbered in order. The augmenter edits the masked text;
``Masked.restore`` puts the spans back and refuses an edit that lost, duplicated or
reordered one (a deletion that dropped a tag, a swap that moved ``</b>`` before ``<b>``);
word-level augmenters leave the words holding a span where they are (``holds_span``), so
that refusal stays rare even in texts full of markup.
Doing this once, around every augmenter's ``edit``, keeps the rule in one place: no
generator has to know about markup, and a new one is protected without trying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIRST = 0xE000  # Unicode's private use area: never a letter, digit or space
_SLOTS = 0xF8FF - _FIRST + 1
PLACEHOLDERS = re.compile("[\ue000-\uf8ff]")

PROTECTED = re.compile(r"""
    <!--.*?-->                                          # HTML comment
  | </?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>                 # HTML tag, with its attributes
  | &(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6});  # entity
  | (?:https?|ftp)://[^\s<>"']*[^\s<>"'.,;:!?)\]]       # URL (not its trailing punctuation)
  | www\.[^\s<>"']*[^\s<>"'.,;:!?)\]]
  | [\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+          # e-mail address
  | (?<![\w@])@\w+                                      # @mention
  | [$€£¥]?\d+(?:[.,:]\d+)*(?:%|[^\W\d_]+\b)?           # number, with a unit glued on
  | [\ue000-\uf8ff]                                     # private use: our placeholders
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Masked:
    """A text with its protected spans replaced by placeholders."""

    text: str
    spans: tuple[str, ...]

    def restore(self, edited: str) -> str | None:
        """``edited`` (an edit of ``text``) with the spans put back; ``None`` when the edit
        lost, repeated or reordered a placeholder, so the spans cannot stand as they were."""
        found = [ord(ch) - _FIRST for ch in PLACEHOLDERS.findall(edited)]
        if found != list(range(len(self.spans))):
            return None
        return PLACEHOLDERS.sub(lambda m: self.spans[ord(m.group()) - _FIRST], edited)


def mask(text: str) -> Masked:
    """``text`` with each protected span (see the module docstring) as a placeholder. A text
    with more spans than there are placeholders (6,400) is left as it is, and ``restore``
    refuses every edit of it rather than let an unprotected one through."""
    spans = [m.group() for m in PROTECTED.finditer(text)]
    if len(spans) > _SLOTS:
        return Masked(text, tuple(spans))
    counter = iter(range(len(spans)))
    return Masked(PROTECTED.sub(lambda m: chr(_FIRST + next(counter)), text), tuple(spans))



def holds_span(word: str) -> bool:
    """Whether a word of a masked text holds a protected span: such a word is neither
    deleted nor moved, or the span would go with it."""
    return PLACEHOLDERS.search(word) is not None
