"""``labeling:``: overlap, the final-label policy, the queue, retraining and LLM
suggestions for span projects."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from textloop.config.base import Strict

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

PolicyStep = Literal["adjudicated", "majority", "dawid_skene"]
POLICY_STEPS: tuple[PolicyStep, ...] = ("adjudicated", "majority", "dawid_skene")


class SuggestLLMSettings(Strict):
    """The OpenAI-compatible endpoint that pre-annotates a span project (docs/spans.md).

    ``base_url`` and ``model`` as for ``synth.options`` (``http://localhost:11434/v1`` for
    Ollama); ``api_key_env`` names the environment variable holding the key, never the key
    itself; ``examples``: labeled records shown in each prompt; ``template``: the prompt
    template version. Answers are cached per text, model and template, so changing either
    asks again.
    """

    base_url: str = Field(min_length=1)
    model: str = Field(min_length=1)
    api_key_env: str = "OPENAI_API_KEY"
    examples: int = Field(3, ge=0, le=20)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    timeout: float = Field(60.0, gt=0.0, le=3600.0)
    max_retries: int = Field(3, ge=0, le=10)
    max_tokens: int = Field(512, ge=16, le=32_768)
    template: str = Field("spans.v1", min_length=1)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL, e.g. "
                             "http://localhost:11434/v1")
        return value

    @model_validator(mode="after")
    def _env_name(self) -> SuggestLLMSettings:
        # checked on the whole section, so the error shows the section, not the value:
        # a key pasted here by mistake is never repeated in a message
        if not _ENV_NAME.fullmatch(self.api_key_env):
            raise ValueError("api_key_env must name an environment variable (letters, digits "
                             "and _), not hold the key itself: put the key in that variable")
        return self


class LabelingSettings(Strict):
    """How human labeling runs: overlap, the final-label policy, the queue and retraining.

    ``policy`` orders the sources of a record's final label among human answers:
    an adjudicator's decision, then a strict majority of annotators, then the Dawid-Skene
    estimate (which weighs annotators by their estimated accuracy) for ties.

    ``suggest_min_confidence``: the labeling page shows the model's suggestion (and makes
    ``Enter`` accept it) only when the model is at least this confident; a coin-flip guess
    offered as the default answer pulls annotators towards it.
    """

    overlap: int = Field(1, ge=1, le=10)
    policy: list[PolicyStep] = Field(default_factory=lambda: list(POLICY_STEPS))
    strategy: str = "default"
    batch: int = Field(50, ge=1, le=10_000)
    retrain_after: int = Field(10, ge=1)
    retrain_debounce_seconds: float = Field(5.0, ge=0.0)
    suggest_min_confidence: float = Field(0.7, ge=0.0, le=1.0)
    suggest_llm: SuggestLLMSettings | None = None
    """Where a span project asks an LLM for suggested spans (``textloop preannotate``);
    unset, no LLM is asked."""

    @field_validator("policy")
    @classmethod
    def _policy_nonempty_unique(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("policy needs at least one of adjudicated, majority, dawid_skene, "
                             "each at most once")
        return value
