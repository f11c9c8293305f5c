"""``synth:``: what ``textloop synth`` makes, its quality gate and its evaluation."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from textloop.config.base import Strict


class SynthGate(Strict):
    """The quality gate's thresholds (docs/synthetic.md); a value left out keeps the gate's
    default. ``tau``: the least probability of its own label a scorer must give a candidate.
    ``near_dup_jaccard`` / ``near_dup_cosine``: above these a candidate is a near-copy of a
    real record (or of another candidate). ``seed_margin``: how far below its seed's
    probability an edit of a seed the scorer misreads may fall."""

    min_chars: int | None = Field(None, ge=1)
    max_chars: int | None = Field(None, ge=1)
    tau: float | None = Field(None, ge=0.0, le=1.0)
    seed_margin: float | None = Field(None, ge=0.0, le=1.0)
    near_dup_jaccard: float | None = Field(None, gt=0.0, le=1.0)
    near_dup_cosine: float | None = Field(None, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _lengths_ordered(self) -> SynthGate:
        if (self.min_chars is not None and self.max_chars is not None
                and self.min_chars > self.max_chars):
            raise ValueError(f"gate.min_chars ({self.min_chars}) is above gate.max_chars "
                             f"({self.max_chars})")
        return self

    def given(self) -> dict[str, Any]:
        """Only the thresholds set in textloop.yaml."""
        return self.model_dump(exclude_none=True)


class SynthEvaluation(Strict):
    """How ``textloop synth --evaluate`` judges a batch: the model is trained ``seeds`` times
    with and without the batch on the same release and scored on its real test split; the
    batch is accepted only when no class loses more than ``max_class_f1_loss`` F1 and the
    macro-F1 rises by at least ``min_macro_f1_delta`` (medians over seeds). Its default,
    0.005 (half a point), asks a batch to help rather than merely not hurt: a median over
    five seeds of paired deltas is rarely positive by chance, while exact ties (+0.000) are
    common, since a batch often moves no prediction of a small split. 0 accepts batches that
    do no harm. ``model``: the model trained (default: the champion's, else tfidf-lr).

    ``evidence``: what the rule reads. ``test``: the test split's deltas; ``cross-fit``:
    out-of-fold predictions of every real row of the release (stages/synthesize/cross_fit.py);
    ``auto`` (default): the test split when every class has at least ``min_test_rows`` rows
    there, else cross-fitting, since a class with one or two test rows cannot show a small
    effect. The test split's deltas are reported either way."""

    seeds: int = Field(5, ge=1, le=50)
    evidence: Literal["auto", "test", "cross-fit"] = "auto"
    min_test_rows: int = Field(20, ge=1, le=100_000)
    max_class_f1_loss: float = Field(0.01, ge=0.0, le=1.0)
    min_macro_f1_delta: float = Field(0.005, ge=-1.0, le=1.0)
    model: str | None = Field(None, min_length=1)


class SynthSettings(Strict):
    """What ``textloop synth`` makes (docs/synthetic.md).

    ``generator``: a generator's short or full name (unset: ``synonym`` for an English
    project, ``typo`` for any other, since WordNet is English); ``options`` are passed to it as they
    are (``base_url``, ``model``, ``api_key_env``, ``temperature``...). ``per_class``: texts
    asked for per target class; ``classes``: how many target classes are picked (the lowest
    per-class F1 of the champion, else the rarest labels). ``seeds_per_class``: real examples
    shown per class. ``template``: the prompt template version, for generators that prompt.
    ``judge``: score candidates with the LLM judge (its ``options`` in ``judge_options``)
    instead of a classifier.
    """

    generator: str | None = Field(None, min_length=1)
    """None: the project's language decides (``synonym`` for English, ``typo`` otherwise)."""
    options: dict[str, Any] = Field(default_factory=dict)
    per_class: int = Field(50, ge=1, le=100_000)
    classes: int = Field(3, ge=1, le=1000)
    seeds_per_class: int = Field(8, ge=1, le=200)
    template: str | None = Field(None, min_length=1)
    seed: int = 0
    judge: bool = False
    judge_options: dict[str, Any] = Field(default_factory=dict)
    gate: SynthGate = Field(default_factory=SynthGate)
    evaluate: SynthEvaluation = Field(default_factory=SynthEvaluation)
