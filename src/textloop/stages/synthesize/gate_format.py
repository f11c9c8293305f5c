"""The gate's per-text checks: length, format and leftovers of the prompt.

These run first because they cost one pass over each text and need nothing else. A
generated text fails here when it is not a clean example of the data: empty, outside the
length bounds, carrying control characters, or still wrapped in the model's reply to its
prompt ("Here are five messages:", "1. ...", a text in quotes, "As an AI ..."). The
patterns are heuristics that real texts rarely match; the verdict's detail names the one
that fired, so a false alarm is easy to see and the settings can turn a check off.
"""

from __future__ import annotations

import re
import unicodedata

from textloop.stages.clean import minhash

TOO_SHORT, TOO_LONG, FORMAT = "too-short", "too-long", "format"

_ALLOWED_CONTROL = {"\n", "\t", "\r"}
_PUNCTUATION = re.compile(r"[\W_]+")
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019",
           "\u00ab": "\u00bb", "\u201e": "\u201c", "\u300c": "\u300d"}
_ARTEFACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a reply to the prompt", re.compile(
        r"^\s*((sure|certainly|of course|absolutely|okay|ok)\b[\s,!.:]*(here|i can|i'll|i "
        r"will|i'd)\b|here (is|are|'s) (a|an|some|the|your|another|\d+|one|two|three|four|"
        r"five|six|seven|eight|nine|ten)\b[^:\n]{0,80}:)", re.IGNORECASE)),
    ("a refusal", re.compile(
        r"\bas an ai\b|\bi('m| am) (sorry|unable)\b[^.\n]{0,40}\b(generate|create|write)\b"
        r"|\bi can(not|'t|\u2019t) (generate|create|write) (that|this|such|content|text|"
        r"messages?|examples?)\b", re.IGNORECASE)),
    ("a field name before the text", re.compile(
        r"^\s*(example|text|output|answer|sentence|message|input|label|category|class)"
        r"\s*#?\d*\s*:", re.IGNORECASE)),
    ("a template placeholder or special token", re.compile(
        r"\{\{|\}\}|\{\s*[a-z_]+\s*\}|\[(insert|your|placeholder)\b[^\]]*\]"
        r"|<\|[^|>]{1,40}\|>|</?s>|\[/?inst\]", re.IGNORECASE)),
    ("list numbering", re.compile(r"(?m)^\s*(\d{1,2}[.)]|[-*\u2022]|\(\d{1,2}\))[ \t]+\S")),
)


def loose_key(text: str) -> str:
    """The form in which two texts count as the same: case folded, punctuation dropped,
    whitespace collapsed. A text of only symbols (emoji) keeps them instead of becoming
    empty, so it is not the same as every other such text."""
    key = _PUNCTUATION.sub(" ", text.casefold()).strip()
    return key or minhash.normalise(text)


def format_problem(text: str, min_chars: int, max_chars: int) -> tuple[str, str] | None:
    """(reason, detail) for the first problem found, or None for a clean text."""
    stripped = text.strip()
    if not stripped:
        return FORMAT, "the text is empty or only whitespace"
    if len(stripped) < min_chars:
        return TOO_SHORT, f"{len(stripped)} characters (at least {min_chars} expected)"
    if len(stripped) > max_chars:
        return TOO_LONG, f"{len(stripped)} characters (at most {max_chars} expected)"
    return _control_problem(stripped) or _artefact_problem(stripped)


def _control_problem(text: str) -> tuple[str, str] | None:
    for position, char in enumerate(text):
        if char == "\ufffd" or (char not in _ALLOWED_CONTROL
                                and unicodedata.category(char) == "Cc"):
            return FORMAT, (f"control or replacement character U+{ord(char):04X} at "
                            f"position {position}")
    return None


def _artefact_problem(text: str) -> tuple[str, str] | None:
    closing = _QUOTES.get(text[0])
    if closing and len(text) > 1 and text[-1] == closing and text[0] not in text[1:-1] \
            and closing not in text[1:-1]:
        return FORMAT, "the whole text is wrapped in quotes (left from the model's reply)"
    for name, pattern in _ARTEFACTS:
        found = pattern.search(text)
        if found:
            return FORMAT, f"looks like {name}: {found.group(0).strip()[:60]!r}"
    return None
