"""An LLM as a span suggester: the label guideline and a few labeled examples in a prompt,
an OpenAI-compatible endpoint asked through the synthetic-data client, and the answer turned
into suggested spans (``source="llm"``).

LLMs count characters badly (tokens, UTF-16, bytes: every offset they give is a guess), so
the prompt asks for *mentions*, quoted text plus a label, as JSON, and this module finds
them in the text itself, in code points. A mention is located at every place it occurs
where it does not cut a word (``Al`` is not suggested inside ``Algeria``); when it occurs
only inside words, as a Korean name with its particle (``서울`` in ``서울에서``) or a word
in unspaced Chinese or Japanese, every occurrence counts. Whitespace inside a mention
matches any run of whitespace (a model writes ``New York`` for ``New\\nYork``); letters
and case must match exactly, so nothing is suggested that the text does not say.

What cannot be used is dropped and counted by reason, never raised: an answer that is not
JSON (``malformed``, also an item without a text and a label), a label the project does not
have (``unknown_label``; a label differing only in case from exactly one project label is
read as that label), a mention the text does not contain (``not_found``), and, where the
project's spans may not overlap, suggestions overlapping a longer one (``overlapping``: the
longest is kept, ties to the one starting first, then to the one listed first).

The prompt is a versioned template (``templates/spans.v1.txt``, read like the synthetic-data
templates); its version keys cached answers, so a changed prompt asks again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from textloop.spans import Span
from textloop.strategies.span_suggest.base import SuggestedSpan
from textloop.strategies.synth.chat import ChatEndpoint, message_text
from textloop.strategies.synth.prompts import NO_DESCRIPTION, load_template, one_line
from textloop.texts import content_hash

SOURCE = "llm"
TEMPLATE = "spans.v1"
MAX_EXAMPLE_CHARS = 1000
"""Longer labeled texts are not shown as examples: a few short ones teach the format as
well, and every example is sent again with each text asked about."""
DROP_REASONS = ("malformed", "unknown_label", "not_found", "overlapping")
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_LIST_KEYS = ("mentions", "entities", "spans")


@dataclass(frozen=True)
class Example:
    """A labeled record shown in the prompt: its text and the spans people gave it."""

    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class LLMAnswer:
    """What one answer gave: the usable suggestions, and what was dropped, by reason."""

    spans: list[SuggestedSpan]
    dropped: dict[str, int] = field(default_factory=dict)


class LLMSuggester:
    """Suggests spans by asking ``endpoint`` about one text at a time.

    ``labels``: name -> description (the guideline, in the project's order); ``examples``:
    the labeled records shown in every prompt (``choose_examples`` picks them).
    """

    name = SOURCE

    def __init__(self, endpoint: ChatEndpoint, labels: Mapping[str, str], *,
                 overlapping: bool = False, examples: Sequence[Example] = (),
                 temperature: float = 0.0, max_tokens: int = 512,
                 template: str = TEMPLATE) -> None:
        self.endpoint = endpoint
        self.labels = dict(labels)
        self.overlapping = overlapping
        self.examples = tuple(examples)
        self.template = load_template(template, "textloop.strategies.span_suggest")
        self.params: dict[str, Any] = {"temperature": temperature, "max_tokens": max_tokens}

    @property
    def prompt_version(self) -> str:
        return self.template.version

    def prompt(self, text: str) -> str:
        """The prompt about ``text``: the guideline, the examples and the text, each text
        written as a JSON string so that its quotes and line breaks cannot end it early."""
        guideline = "\n".join(f"- {name}: {one_line(description) or NO_DESCRIPTION}"
                              for name, description in self.labels.items())
        shown = "\n\n".join(f"Text: {_quoted(example.text)}\n"
                            f"Answer: {mentions_json(example.text, example.spans)}"
                            for example in self.examples)
        return self.template.render(labels=guideline, examples=shown or "(none yet)",
                                    text=_quoted(text), names=", ".join(self.labels))

    def ask(self, text: str) -> LLMAnswer:
        """The endpoint's suggestions for ``text``; endpoint failures raise (the client's
        errors, which name the URL and never the key), unusable answers are counted."""
        body = self.endpoint.complete([{"role": "user", "content": self.prompt(text)}],
                                      **self.params)
        return read_answer(message_text(body, self.endpoint.url), text, self.labels,
                           overlapping=self.overlapping)

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]:
        return [self.ask(text).spans for text in texts]


def mentions_json(text: str, spans: Iterable[Span]) -> str:
    """Spans as the answer the prompt asks for: each mention's text and label, in order."""
    mentions = [{"text": text[s.start:s.end], "label": s.label} for s in sorted(spans)]
    return json.dumps({"mentions": list(_unique(mentions))}, ensure_ascii=False)


def choose_examples(labeled: Iterable[tuple[str, Sequence[Span]]], n: int,
                    labels: Sequence[str]) -> list[Example]:
    """``n`` examples from labeled (text, spans) pairs, the same whatever order they come in.

    Candidates (texts up to ``MAX_EXAMPLE_CHARS``) are taken in content-hash order, which is
    record-id order: spread over the store rather than the first file imported. First, for
    each label in ``labels`` order, the first candidate showing it (so the model sees every
    label it can); then the next candidates with spans; then ones without (a text with no
    mention is an answer too).
    """
    pool = sorted(((content_hash(text), text, tuple(sorted(spans))) for text, spans in labeled
                   if len(text) <= MAX_EXAMPLE_CHARS), key=lambda item: item[0])
    chosen: dict[str, Example] = {}
    for label in labels:
        if len(chosen) >= n:
            break
        if any(s.label == label for example in chosen.values() for s in example.spans):
            continue
        found = next((item for item in pool if item[0] not in chosen
                      and any(s.label == label for s in item[2])), None)
        if found is not None:
            chosen[found[0]] = Example(found[1], found[2])
    for with_spans in (True, False):
        for key, text, spans in pool:
            if len(chosen) >= n:
                break
            if key not in chosen and bool(spans) == with_spans:
                chosen[key] = Example(text, spans)
    return list(chosen.values())


def read_answer(answer: str, text: str, labels: Iterable[str], *,
                overlapping: bool) -> LLMAnswer:
    """The suggestions in one answer about ``text``, located in the text, in code points."""
    dropped: Counter[str] = Counter()
    items = _mention_items(answer)
    if items is None:
        return LLMAnswer([], {"malformed": 1})
    known = list(labels)
    candidates: list[SuggestedSpan] = []
    for item in items:
        mention = _mention(item)
        if mention is None:
            dropped["malformed"] += 1
            continue
        label = _known_label(mention[1], known)
        if label is None:
            dropped["unknown_label"] += 1
            continue
        places = locate(text, mention[0])
        if not places:
            dropped["not_found"] += 1
        candidates += [SuggestedSpan(start, end, label, SOURCE) for start, end in places]
    kept, overlaps = resolve_overlaps(candidates, overlapping=overlapping)
    if overlaps:
        dropped["overlapping"] += overlaps
    return LLMAnswer(kept, dict(dropped))


def locate(text: str, mention: str) -> list[tuple[int, int]]:
    """Where ``mention`` occurs in ``text`` (code points), by the rule in the module doc."""
    words = mention.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    whole = [(start, end) for start, end in found
             if not _cuts_word(text, start) and not _cuts_word(text, end)]
    return whole or found


def resolve_overlaps(spans: Sequence[SuggestedSpan], *, overlapping: bool
                     ) -> tuple[list[SuggestedSpan], int]:
    """``spans`` without repeats, sorted; where spans may not overlap, the longest of
    overlapping ones (ties: the first to start, then the first listed). Returns the spans
    kept and how many distinct spans were dropped for overlapping."""
    distinct = list(dict.fromkeys(spans))
    if overlapping:
        return sorted(distinct), 0
    kept: list[SuggestedSpan] = []
    ranked = sorted(enumerate(distinct), key=lambda item: (
        item[1].start - item[1].end, item[1].start, item[0]))
    for _, span in ranked:
        if not any(span.start < other.end and other.start < span.end for other in kept):
            kept.append(span)
    return sorted(kept), len(distinct) - len(kept)


def to_cache(spans: Iterable[SuggestedSpan], text: str) -> list[dict[str, Any]]:
    """Suggestions as stored: offsets, label and the text they cover (checked on reading),
    and the score where the source gave one."""
    return [{"start": s.start, "end": s.end, "label": s.label, "text": text[s.start:s.end],
             **({} if s.score is None else {"score": s.score})} for s in spans]


def from_cache(items: Any, text: str, labels: Iterable[str], *,
               overlapping: bool, source: str = SOURCE) -> list[SuggestedSpan]:
    """Stored suggestions (of ``source``) that still fit: inside ``text`` and covering the
    words they were found on (a cache keyed by content hash could meet a differently
    normalised twin), with a label the project still has, and without overlaps where the
    project now forbids them. A stored score that is not a number is read as none."""
    known = set(labels)
    spans = []
    for item in items if isinstance(items, list) else []:
        try:
            start, end, label, covered = item["start"], item["end"], item["label"], item["text"]
        except (KeyError, TypeError):
            continue
        score = item.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool):
            score = None
        if (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
                and text[start:end] == covered and label in known):
            spans.append(SuggestedSpan(start, end, label, source,
                                       None if score is None else float(score)))
    return resolve_overlaps(spans, overlapping=overlapping)[0]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _unique(items: Iterable[dict[str, str]]) -> Iterable[dict[str, str]]:
    seen = set()
    for item in items:
        key = (item["text"], item["label"])
        if key not in seen:
            seen.add(key)
            yield item


def _cuts_word(text: str, offset: int) -> bool:
    """Whether ``offset`` falls between two word characters."""
    return (0 < offset < len(text) and _is_word(text[offset - 1]) and _is_word(text[offset]))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _mention_items(answer: str) -> list[Any] | None:
    """The list of mentions in an answer: a JSON object's ``mentions`` (or ``entities``,
    ``spans``) or a bare JSON list, inside a code fence or after a chatty line; None when
    no such JSON is there."""
    value = _json_value(answer)
    if isinstance(value, dict):
        value = next((value[key] for key in _LIST_KEYS if key in value), None)
    return value if isinstance(value, list) else None


def _json_value(answer: str) -> Any:
    fenced = _FENCE.search(answer)
    body = (fenced.group(1) if fenced else answer).strip()
    try:
        return json.loads(body)
    except ValueError:
        pass
    starts = [i for i in (body.find("{"), body.find("[")) if i >= 0]
    if not starts:
        return None
    try:
        return json.JSONDecoder().raw_decode(body, min(starts))[0]
    except ValueError:
        return None


def _mention(item: Any) -> tuple[str, str] | None:
    """(text, label) of one listed mention: ``{"text", "label"}`` or ``[text, label]``."""
    if isinstance(item, dict):
        item = (item.get("text"), item.get("label"))
    elif not (isinstance(item, list) and len(item) == 2):
        return None
    mention, label = item
    if isinstance(mention, str) and mention.strip() and isinstance(label, str) and label:
        return mention, label
    return None


def _known_label(said: str, labels: Sequence[str]) -> str | None:
    if said in labels:
        return said
    folded = [label for label in labels if label.casefold() == said.strip().casefold()]
    return folded[0] if len(folded) == 1 else None
