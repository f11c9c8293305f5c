"""What one classify request may ask for: how many texts, how long each, none empty."""

from __future__ import annotations

from collections.abc import Sequence

from textloop.errors import InvalidInputError
from textloop.stages.serving.errors import TooLargeError


def texts_of(text: str | None, texts: Sequence[str] | None) -> list[str]:
    """The texts of a request that sends ``text``, ``texts`` or both (``text`` first)."""
    out = ([text] if text is not None else []) + list(texts or [])
    if not out:
        raise InvalidInputError("the request has no text",
                                hint='send {"text": "..."} or {"texts": ["...", "..."]}')
    return out


def check_texts(texts: Sequence[str], *, max_texts: int, max_chars: int) -> None:
    """413 for too many texts, 422 for a text that is empty or too long (naming its index)."""
    if len(texts) > max_texts:
        raise TooLargeError(f"{len(texts)} texts in one request; the limit is {max_texts}",
                            hint="split the texts over several requests")
    for i, text in enumerate(texts):
        if not text.strip():
            raise InvalidInputError(f"text {i} is empty", hint="send non-empty texts")
        if len(text) > max_chars:
            raise InvalidInputError(f"text {i} has {len(text):,} characters; the limit is "
                                    f"{max_chars:,}", hint="shorten it, or raise "
                                                          "serving.max_text_chars")
