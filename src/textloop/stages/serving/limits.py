"""What one classify request may ask for: how many texts, how long each, none empty, and
only text the store can hold (the prediction log writes every text it answers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from textloop.errors import InvalidInputError
from textloop.stages.serving.errors import TooLargeError
from textloop.texts import check_text


class SentText(NamedTuple):
    """One text of a request and the field it came in (``text`` or ``texts[3]``), so an
    error names the field the client must fix."""

    field: str
    text: str


def texts_of(text: str | None, texts: Sequence[str] | None) -> list[SentText]:
    """The texts of a request that sends ``text``, ``texts`` or both (``text`` first)."""
    out = ([SentText("text", text)] if text is not None else []) + [
        SentText(f"texts[{i}]", t) for i, t in enumerate(texts or [])]
    if not out:
        raise InvalidInputError("the request has no text",
                                hint='send {"text": "..."} or {"texts": ["...", "..."]}')
    return out


def check_texts(sent: Sequence[SentText], *, max_texts: int, max_chars: int) -> None:
    """413 for too many texts; 422 for a text that is empty, too long or not storable
    (``textloop.texts.text_problem``: the rule every import follows), naming its field."""
    if len(sent) > max_texts:
        raise TooLargeError(f"{len(sent)} texts in one request; the limit is {max_texts}",
                            hint="split the texts over several requests")
    for field, text in sent:
        if not text.strip():
            raise InvalidInputError(f"{field} is empty", hint="send non-empty texts",
                                    field=field)
        if len(text) > max_chars:
            raise InvalidInputError(f"{field} has {len(text):,} characters; the limit is "
                                    f"{max_chars:,}", hint="shorten it, or raise "
                                                          "serving.max_text_chars", field=field)
        check_text(text, field)
