"""Versioned prompt templates, and reading a model's list of texts back out of its reply.

A template is a text file in ``templates/`` named for its version (``generate.v1.txt``);
its version is recorded on every candidate, and a changed prompt is a new file, so an old
run's candidates can always be traced to the exact words the model was given. Fields are
``$name`` placeholders (``string.Template``), so braces in labels or seeds need no escaping.

Models answer lists in many shapes (numbered, bulleted, quoted, JSON lines, a JSON array,
wrapped in a code fence, with a chatty first line); ``parse_texts`` accepts all of them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from textloop.errors import NotFoundError
from textloop.strategies.synth.base import Brief, Seed

_ITEM = re.compile(r"^(?:\(?\d{1,3}\s*[.):\]]|[-*•]|#\d{1,3}:?)\s*")
_QUOTES = ('""', "''", "“”", "‘’", "«»")
NO_DESCRIPTION = "no description given"


@dataclass(frozen=True)
class PromptTemplate:
    version: str  # the file's name without .txt, e.g. generate.v1
    text: str

    def render(self, **fields: object) -> str:
        return string.Template(self.text).substitute(fields)


@functools.cache
def load_template(version: str, package: str = "textloop.strategies.synth") -> PromptTemplate:
    """The template ``templates/VERSION.txt`` of ``package`` (this one's; another strategy
    that prompts names its own); ``NotFoundError`` listing the known ones."""
    folder = resources.files(package) / "templates"
    path = folder / f"{version}.txt"
    if not path.is_file():
        known = sorted(p.name.removesuffix(".txt") for p in folder.iterdir()
                       if p.name.endswith(".txt"))
        raise NotFoundError(f"no prompt template {version!r}", hint=f"known: {', '.join(known)}")
    return PromptTemplate(version, path.read_text(encoding="utf-8"))


def one_line(text: str) -> str:
    """``text`` on a single line, so one text never reads as two list items."""
    return " ".join(text.split())


def generation_prompt(template: PromptTemplate, brief: Brief, shown: Sequence[Seed],
                      count: int) -> str:
    """The prompt asking for ``count`` new texts of ``brief.label``, showing ``shown``."""
    examples = "\n".join(f"- {one_line(seed.text)}" for seed in shown)
    return template.render(
        label=brief.label, count=count,
        description=one_line(brief.description) or NO_DESCRIPTION,
        other_labels=", ".join(f'"{label}"' for label in brief.other_labels) or "none",
        examples=examples or "(none yet)")


def parse_texts(reply: str) -> list[str]:
    """The texts listed in a model's reply, in order, without numbering or quotes.

    When some lines are numbered or bulleted, only those count: the rest is the model
    talking. Empty lines, code fences, headings and items without a letter are dropped."""
    listed = _json_array(reply)
    if listed is not None:
        return [text for text in map(_unwrap, listed) if text]
    lines = [line.strip() for line in reply.splitlines()]
    lines = [line for line in lines if line and not line.startswith("```")]
    items = [line for line in lines if _ITEM.match(line)]
    if items:
        lines = [_ITEM.sub("", line, count=1) for line in items]
    return [text for text in map(_unwrap, lines) if _is_text(text)]


def _is_text(item: str) -> bool:
    """Whether a list item is a text: it has a letter, and does not end in a colon (a
    heading such as "Here are the texts:" or a label such as "First text:")."""
    return any(ch.isalpha() for ch in item) and not item.endswith(":")


def _json_array(reply: str) -> list[object] | None:
    body = reply.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    if not body.strip().startswith("["):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def _unwrap(item: object) -> str:
    """The text in one list item: a JSON object's ``text`` field, a JSON string, or the
    line itself without surrounding quotes."""
    if isinstance(item, str) and item[:1] in "{\"":
        with contextlib.suppress(ValueError):
            item = json.loads(item)
    if isinstance(item, dict):
        item = item.get("text", "")
    if not isinstance(item, str):
        return ""
    text = item.strip()
    while len(text) >= 2 and text[0] + text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return one_line(text)
