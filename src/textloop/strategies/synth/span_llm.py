"""New annotated sentences from an LLM, for span projects: the guideline and seed records
in a prompt, inline markup in the answer.

The prompt (``templates/spans.v1.txt``) lists every span type with its description (the
labeling guideline: a sentence may mention any of them), shows seed records written in the
inline markup of ``spans.markup`` (``[Paris](LOC)``), and asks for new sentences in the
same form with at least one mention of the type wanted. Each answer line is read with
``parse_markup``: a well-formed line becomes a candidate with its plain text and spans (code
points, checked like any stored value); a line that is not (an unbalanced bracket, a type
the project does not have, a mention inside another where spans may not overlap, an empty
mention) stays a candidate with its problem recorded, so the quality gate rejects it with
that reason and the batch shows what the model got wrong. Everything else (endpoint,
retries, sampling, seeds shown per call, provenance) is the classification LLM generator's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from textloop.spans.markup import MarkupError, parse_markup, to_markup
from textloop.strategies.synth.base import Brief, Candidate, Seed
from textloop.strategies.synth.openai_compatible import OpenAIGenerator
from textloop.strategies.synth.prompts import NO_DESCRIPTION, one_line

TEMPLATE = "spans.v1"
MARKUP = "markup"
"""The gate's reason for a line whose markup could not be read; the detail says why."""


class SpanLLMGenerator(OpenAIGenerator):
    """``OpenAIGenerator`` asking for sentences with inline span markup."""

    for_spans = True

    def __init__(self, base_url: str | None = None, model: str | None = None, *,
                 template: str = TEMPLATE, **settings: Any) -> None:
        super().__init__(base_url, model, template=template, **settings)

    def prompt(self, brief: Brief, shown: tuple[Seed, ...], count: int) -> str:
        guideline = "\n".join(f"- {name}: {one_line(description) or NO_DESCRIPTION}"
                              for name, description in brief.guideline.items())
        examples = "\n".join(f"- {one_line(to_markup(seed.text, seed.spans))}"
                             for seed in shown)
        return self.template.render(
            guideline=guideline or f"- {brief.label}: {NO_DESCRIPTION}",
            examples=examples or "(none yet)", count=count, label=brief.label,
            description=one_line(brief.description) or NO_DESCRIPTION)

    def candidate(self, text: str, brief: Brief, shown: tuple[Seed, ...],
                  params: Mapping[str, Any]) -> Candidate:
        made = super().candidate(text, brief, shown, params)
        labels = brief.guideline or {brief.label: brief.description}
        try:
            plain, spans = parse_markup(text, labels, overlapping=brief.overlapping)
        except MarkupError as exc:
            return replace(made, problem=(MARKUP, f"{exc.reason}: {exc.detail}"))
        return replace(made, text=plain, spans=tuple(spans),
                       params={**made.params, "markup": text})
