"""Generation by prompting a chat model: the loop shared by the endpoint and GGUF generators.

Each call shows the model a few seeds of the class (a different random few each call, so
the texts do not all imitate the same examples) and asks for up to ``per_call`` texts; calls
repeat until ``count`` novel texts are in or ``MAX_CALLS_FACTOR`` times the calls needed
were made (a small model may answer with fewer, or with copies). The seeds shown and the
sampling seed of each call come from one generator seeded with the full name, the class and
``Request.seed``; every candidate records the seeds shown, the model, the template version
and the sampling parameters of its call.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from textloop.progress import Progress
from textloop.strategies.synth.base import Brief, Candidate, Request, Seed
from textloop.strategies.synth.chat import Message, finish_reason, message_text
from textloop.strategies.synth.novelty import NoveltyFilter
from textloop.strategies.synth.prompts import generation_prompt, load_template, parse_texts

MAX_CALLS_FACTOR = 2  # calls allowed per call needed, before returning fewer than asked


class PromptedGenerator:
    """Base of the generators that prompt a chat model; subclasses send the messages."""

    name = ""  # set by make_generator to the full registry name
    model = ""  # the model's name as recorded on candidates
    source = ""  # where the answers come from (a URL, a model file), for error messages

    def __init__(self, *, temperature: float = 0.9, top_p: float = 0.95,
                 max_tokens: int = 512, per_call: int = 10, examples: int = 5,
                 template: str = "generate.v1") -> None:
        self.sampling = {"temperature": temperature, "top_p": top_p, "max_tokens": max_tokens}
        self.per_call = per_call
        self.examples = examples
        self.template = load_template(template)

    def complete(self, messages: list[Message], params: Mapping[str, Any]) -> Any:
        """The model's chat completion, in OpenAI's shape, for ``messages`` sampled with
        ``params`` (``seed`` included)."""
        raise NotImplementedError

    def texts(self, prompt: str, params: Mapping[str, Any]) -> list[str]:
        """The texts in the model's answer to ``prompt``. When the answer was cut off at
        ``max_tokens``, its last text is dropped: it most likely stops mid-sentence."""
        body = self.complete([{"role": "user", "content": prompt}], params)
        texts = parse_texts(message_text(body, self.source))
        return texts[:-1] if finish_reason(body) == "length" else texts

    def generate(self, request: Request, progress: Progress) -> list[Candidate]:
        brief = request.brief
        rng = random.Random(f"{self.name}:{brief.label}:{request.seed}")
        novel = NoveltyFilter(brief.seeds)
        max_calls = MAX_CALLS_FACTOR * math.ceil(request.count / self.per_call)
        out: list[Candidate] = []
        with progress.task(f"generating {brief.label}", total=request.count) as task:
            for _ in range(max_calls):
                if len(out) >= request.count:
                    break
                shown = tuple(rng.sample(brief.seeds, min(self.examples, len(brief.seeds))))
                params = {**self.sampling, "seed": rng.randrange(2**31)}
                ask = min(self.per_call, request.count - len(out))
                prompt = self.prompt(brief, shown, ask)
                made = [self.candidate(text, brief, shown, params)
                        for text in self.texts(prompt, params)]
                for candidate in [c for c in made if novel.admit(c.text)][:ask]:
                    out.append(candidate)
                    task.advance()
        return out

    def prompt(self, brief: Brief, shown: tuple[Seed, ...], count: int) -> str:
        """The prompt asking for ``count`` texts, showing the seeds ``shown``."""
        return generation_prompt(self.template, brief, shown, count)

    def candidate(self, text: str, brief: Brief, shown: tuple[Seed, ...],
                  params: Mapping[str, Any]) -> Candidate:
        """One listed text of the answer as a candidate, with its provenance."""
        return Candidate(text=text, label=brief.label, generator=self.name,
                         seed_ids=tuple(seed.record_id for seed in shown), model=self.model,
                         template=self.template.version, params=params)
