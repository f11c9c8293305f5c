"""An LLM as a second annotator: which label does a model give each text?

A quality gate can compare a generated text's intended label with a judge's answer and
drop the texts an independent reader would not put in that class. The judge asks an
OpenAI-compatible endpoint (the same client as the generators), one text per request, with
the versioned ``judge.v1`` prompt listing every label and its description.

Each text gets a probability row over the labels: from the log probabilities of the
alternatives at the token where the answer names its label, when the server returns them
(``logprobs``), else 1.0 on the label the model named. An answer that names no label, or
several, gets a uniform row, and is counted and noted, so the caller can tell "the judge
is unsure" from "the judge could not be read".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress
from textloop.registry import REGISTRY
from textloop.strategies.synth.chat import message_text
from textloop.strategies.synth.openai_compatible import endpoint_from
from textloop.strategies.synth.prompts import load_template, one_line

FAMILY = "judge"
TOP_LOGPROBS = 10
_WRAPPING = " \t\n.:;!'\"`*"


@dataclass(frozen=True)
class Judgement:
    labels: tuple[str, ...]  # the columns of ``probabilities``
    probabilities: np.ndarray  # one row per text; each sums to 1
    unparsed: int  # answers that named no single label (their rows are uniform)
    notes: tuple[str, ...]  # one line per unparsed answer: which text, what was said


def make_judge(name: str = "openai", **settings: Any) -> LLMJudge:
    """The judge registered under a short or full name, built with ``settings``."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    judge = factory(**settings)
    judge.name = full
    return judge


class LLMJudge:
    """Labels texts with the endpoint's ``model`` at temperature 0."""

    name = "textloop.judge.openai.v1"

    def __init__(self, base_url: str | None = None, model: str | None = None, *,
                 api_key_env: str = "OPENAI_API_KEY", timeout: float = 60.0,
                 max_retries: int = 3, backoff: float = 1.0, max_tokens: int = 16,
                 logprobs: bool = True, template: str = "judge.v1") -> None:
        self.endpoint = endpoint_from(base_url, model, api_key_env=api_key_env,
                                      timeout=timeout, max_retries=max_retries,
                                      backoff=backoff)
        self.template = load_template(template)
        self.params: dict[str, Any] = {"temperature": 0.0, "max_tokens": max_tokens}
        if logprobs:
            self.params.update(logprobs=True, top_logprobs=TOP_LOGPROBS)

    def judge(self, texts: Sequence[str], labels: Mapping[str, str],
              progress: Progress = NULL_PROGRESS) -> Judgement:
        """A probability row over ``labels`` (name -> description) for each text."""
        names = tuple(labels)
        classes = "\n".join(f"- {name}: {one_line(desc) or '(no description)'}"
                            for name, desc in labels.items())
        choices = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        rows, notes = [], []
        with progress.task("judging labels", total=len(texts)) as task:
            for i, text in enumerate(texts):
                prompt = self.template.render(classes=classes, text=text, names=choices)
                body = self.endpoint.complete([{"role": "user", "content": prompt}],
                                              **self.params)
                answer = message_text(body, self.endpoint.url)
                row = label_row(answer, label_token_logprobs(body, names), names)
                if row is None:
                    notes.append(f"text {i}: answer {one_line(answer)[:80]!r} names no "
                                 "single label; counted as uniform")
                    row = np.full(len(names), 1.0 / len(names))
                rows.append(row)
                task.advance()
        matrix = np.vstack(rows) if rows else np.zeros((0, len(names)))
        return Judgement(names, matrix, len(notes), tuple(notes))


def label_row(answer: str, alternatives: Mapping[str, float], labels: Sequence[str]
              ) -> np.ndarray | None:
    """The probability row for one answer, or ``None`` when it names no single label."""
    chosen = named_label(answer, labels)
    if chosen is None:
        return None
    row = np.zeros(len(labels))
    for token, logprob in alternatives.items():
        starts = _labels_starting(token, labels)
        if len(starts) == 1:  # a token shared by two labels' names says nothing
            row[starts[0]] += math.exp(logprob)
    if row[labels.index(chosen)] == 0:  # no usable log probabilities: trust the answer
        row[:] = 0
        row[labels.index(chosen)] = 1.0
    return row / row.sum()


def named_label(answer: str, labels: Sequence[str]) -> str | None:
    """The label ``answer`` names: exactly, or as the only label mentioned in it (where
    one label's name contains another's, as "not spam" contains "spam", the longer wins)."""
    said = answer.strip(_WRAPPING).casefold()
    for label in labels:
        if label.casefold() == said:
            return label
    mentioned = [label for label in labels
                 if re.search(rf"(?<!\w){re.escape(label.casefold())}(?!\w)", said)]
    longest = max(mentioned, key=len, default=None)
    if longest is not None and all(m.casefold() in longest.casefold() for m in mentioned):
        return longest
    return None


def label_token_logprobs(body: Mapping[str, Any], labels: Sequence[str]) -> dict[str, float]:
    """token (folded, unwrapped) -> log probability, at the first answer token that begins
    exactly one label's name ("spam" in "The class is spam"), where the model chose the
    label; ``{}`` when the server sent no log probabilities or no token begins a label."""
    try:
        content = body["choices"][0]["logprobs"]["content"] or []
    except (KeyError, IndexError, TypeError):
        return {}
    for position in content:
        if not isinstance(position, Mapping):
            continue
        if len(_labels_starting(_folded(position.get("token")), labels)) != 1:
            continue
        out: dict[str, float] = {}
        for alt in position.get("top_logprobs") or [position]:
            token = _folded(alt.get("token"))
            if token and isinstance(alt.get("logprob"), int | float):
                out.setdefault(token, float(alt["logprob"]))
        return out
    return {}


def _labels_starting(token: str, labels: Sequence[str]) -> list[int]:
    """Indexes of the labels whose name begins with ``token`` (two letters at least, unless
    it is the whole name: a lone "a" begins too many words)."""
    if not token:
        return []
    return [i for i, label in enumerate(labels) if label.casefold().startswith(token)
            and len(token) >= min(2, len(label))]


def _folded(token: object) -> str:
    return str(token or "").strip(_WRAPPING).casefold()
