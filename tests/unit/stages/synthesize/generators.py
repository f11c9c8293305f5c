"""Generators for tests, registered under test names: fixed texts, and one that fails."""

from __future__ import annotations

from collections.abc import Sequence

from textloop.errors import ExternalServiceError
from textloop.progress import Progress
from textloop.registry import REGISTRY
from textloop.strategies.synth import Candidate, Request


@REGISTRY.register("textloop.synth.fixed-test.v1")
class FixedTexts:
    """Hands back ``texts`` (all of them, for every class asked), naming the first seed."""

    name = ""

    def __init__(self, texts: Sequence[str] = (), model: str = "fixed-model") -> None:
        self.texts = list(texts)
        self.model = model

    def generate(self, request: Request, progress: Progress) -> list[Candidate]:
        seeds = tuple(s.record_id for s in request.brief.seeds[:1])
        return [Candidate(text=t, label=request.brief.label, generator=self.name,
                          seed_ids=seeds, model=self.model, template="fixed.v1",
                          params={"seed": request.seed}) for t in self.texts[:request.count]]


@REGISTRY.register("textloop.synth.failing-test.v1")
class FailsOnSecondClass:
    """Makes texts for the first class asked, then the endpoint 'goes down'."""

    name = ""

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, request: Request, progress: Progress) -> list[Candidate]:
        self.calls += 1
        if self.calls > 1:
            raise ExternalServiceError("the endpoint stopped answering")
        return [Candidate(text=f"generated text number {i}", label=request.brief.label,
                          generator=self.name, seed_ids=()) for i in range(request.count)]
