"""What a generator is asked for, what it hands back, and how one is looked up by name.

Generation is driven per class: a ``Brief`` tells a generator what one label means (its
description, the guideline annotators read) and shows it seed examples drawn from real,
labeled records. Every ``Candidate`` carries its full provenance (generator, model, prompt
template version, seed record ids, sampling parameters), because a synthetic record that
cannot be traced back to how it was made cannot be audited, reproduced or removed later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from textloop.errors import ConfigError
from textloop.languages import may_be_english
from textloop.progress import Progress
from textloop.registry import REGISTRY
from textloop.spans import Span, encode_spans

FAMILY = "synth"


@dataclass(frozen=True)
class Seed:
    """One real, labeled record shown to a generator."""

    record_id: str
    text: str
    spans: tuple[Span, ...] = ()
    """Its spans, in a span project (code points over ``text``); empty otherwise."""


@dataclass(frozen=True)
class Brief:
    """Everything a generator needs to know about one class."""

    label: str
    description: str
    seeds: tuple[Seed, ...]
    other_labels: tuple[str, ...] = ()  # so a prompt can say what the class is not
    guideline: Mapping[str, str] = field(default_factory=dict)
    """Span projects: every label with its description (a generated sentence may mention
    any type, so the prompt shows the whole guideline); ``label`` is the type wanted most."""
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Span projects: strings of each type another mention may be swapped for (the
    release's train spans and the span rules' gazetteers)."""
    overlapping: bool = False
    """Span projects: whether spans may overlap (``spans.overlapping``)."""


@dataclass(frozen=True)
class Request:
    """Make ``count`` new texts for ``brief.label``; ``seed`` fixes all randomness."""

    brief: Brief
    count: int
    seed: int = 0


@dataclass(frozen=True)
class Candidate:
    """A generated text before the quality gate, with how it was made."""

    text: str
    label: str
    generator: str  # full registry name, e.g. textloop.synth.openai.v1
    seed_ids: tuple[str, ...]
    model: str | None = None  # None for model-free augmentation
    template: str | None = None  # prompt template version, e.g. generate.v1
    params: Mapping[str, Any] = field(default_factory=dict)  # sampling parameters
    spans: tuple[Span, ...] | None = None
    """A span project's candidate: its spans over ``text`` (``label`` is then the type it
    was made for); None for a class label."""
    problem: tuple[str, str] | None = None
    """(reason, detail) when the generator's output could not be read (malformed span
    markup): the gate rejects the candidate with them, so the batch says what was wrong."""

    @property
    def value(self) -> str:
        """What an accepted candidate is labeled with: its class, or its spans as stored."""
        return self.label if self.spans is None else encode_spans(self.spans)


class Generator(Protocol):
    """Turns a request into candidates; may return fewer than asked (never more)."""

    name: str  # full registry name

    def generate(self, request: Request, progress: Progress) -> list[Candidate]: ...


def make_generator(name: str, **settings: Any) -> Generator:
    """The generator registered under a short or full name, built with ``settings``."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    generator = factory(**settings)
    generator.name = full
    return generator


def check_language(name: str, language: str | None) -> None:
    """Refuse, before anything is read or built, a generator that only works on English
    (it reads English WordNet: ``english_only`` on its class) for a project whose
    ``language`` is not English: on Korean or Japanese text it would find no synonyms and
    make nothing, after loading WordNet and the pool for nothing."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    if getattr(factory, "english_only", False) and not may_be_english(language):
        raise ConfigError(
            f"generator {full} reads English WordNet, and this project's language is "
            f"{language!r}: it would find no words to use",
            hint="use a generator that works on any language: --generator typo, swap or "
                 "delete (model-free), or an LLM such as openai (synth.generator in "
                 "textloop.yaml; see docs/synthetic.md)")


def default_generator(language: str | None) -> str:
    """The generator a project gets when it names none: WordNet synonyms for English, Hangul-
    and QWERTY-aware typos for every other language (synonyms would find no words there)."""
    return "synonym" if may_be_english(language) else "typo"


def generator_names() -> Sequence[str]:
    """Every registered generator's short name."""
    return REGISTRY.names(FAMILY)
