"""The model card as Markdown (with Hugging Face-style YAML front matter) and as HTML.

Both are rendered from the same list of sections, so the two files never disagree. The
Markdown is what a model hub or a repository shows; the HTML opens beside the evaluation
report with the same styling. User text (labels, descriptions, run names) is escaped in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from textloop.artifacts import write_text_atomic
from textloop.reports.templating import render

CARD_MD = "model_card.md"
CARD_HTML = "model_card.html"


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None


def write_card(folder: Path, title: str, front: dict[str, Any], sections: list[Section]
               ) -> Path:
    """Write ``model_card.md`` and ``model_card.html`` into ``folder``; returns the Markdown."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / CARD_MD
    write_text_atomic(markdown, render_markdown(title, front, sections))
    write_text_atomic(folder / CARD_HTML, render("model_card.html", title=title, sections=sections))
    return markdown


def render_markdown(title: str, front: dict[str, Any], sections: list[Section]) -> str:
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    parts = [f"---\n{head}---\n", f"# {_md(title)}\n"]
    for section in sections:
        parts.append(f"## {_md(section.heading)}\n")
        parts.extend(f"{_md(p)}\n" for p in section.paragraphs)
        if section.table is not None:
            parts.append(_md_table(*section.table))
        if section.bullets:
            parts.append("".join(f"- {_md(b)}\n" for b in section.bullets))
    return "\n".join(parts)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def _md(text: str) -> str:
    """Keep user text from opening HTML tags in renderers that allow inline HTML (a lone
    ``>`` opens nothing, so ``macro_f1 >= 0.9`` stays readable in the file)."""
    return str(text).replace("<", "&lt;")
