"""Which span disagreements become findings a reviewer sees: the span label-error methods.

A span project's cleaning ranks every disagreement between the given spans and the
out-of-fold model's best spans (``stages.clean.span_issues``); a method decides which of
them to *flag* (store as findings for review) from each candidate's evidence:

- ``p_suggested``: the lowest out-of-fold probability of the suggested class over the
  tokens the fix would change (for a removal the class is ``O``; for an addition or a new
  type, the suggested type; for a boundary, each added token's type and each dropped
  token's ``O``). A fix is only as sure as its least sure token.
- ``token_flagged``: cleanlab's token classification flags at least one covered token (the
  token-level evidence beside the sequence-level one, the model's best sequence).
- ``support``: among the other records that label the suggested span's surface string, the
  share that give it the suggested type (None when no other record labels it, or for a
  removal): the annotations' own vote, which no model's weakness touches.

``span-cleanlab`` flags every candidate cleanlab agrees with: the method before
``span-confident``, kept as the baseline the report and the benchmark compare against. A
tagger at 0.3–0.5 entity F1 disagrees with many correct spans, so most of its findings
were the model's own misses (``spurious_span``). ``span-confident`` flags a candidate only
when cleanlab agrees *and* ``p_suggested`` reaches its kind's cut (``CONFIDENT_CUTS``), or
a lower cut of its kind where the other records mostly give the suggested span's string the
suggested type (``support`` ≥ ``SUPPORT``, ``SUPPORTED_CUTS``). Each kind has its own
prior. The cuts were chosen to maximise finding F1 on data the span benchmark does not
report on (``benchmarks/span_clean_select.py``: the last 500 sentences of WNUT-17 and
BC5CDR train and 500 of BTC section h, 10% and 20% noise, minilm-crf out of fold), and
there a confident model alone never paid: even at p ≥ 0.95 most unsupported suggestions
were the model's mistakes, while the other records' support held precision at about 0.6.
So with the model at today's strength, a finding is flagged only where the annotations
back it; removals are never flagged (a weak model is sure of ``O`` on many true spans:
hundreds of p(O) ≥ 0.99 suggestions, all wrong, on the selection data). Every candidate
stays ranked, and ``span-cleanlab`` shows them all.
Pure code: no store, no model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY

NEVER = 1.01
"""A cut no probability reaches: the kind is ranked, never flagged."""
CONFIDENT_CUTS: Mapping[str, float] = {"missing_span": NEVER, "spurious_span": NEVER,
                                       "wrong_type": NEVER, "wrong_boundary": NEVER}
"""``span-confident``'s cut on ``p_suggested`` per finding kind (see the module docstring)."""
SUPPORTED_CUTS: Mapping[str, float] = {"missing_span": 0.4, "spurious_span": NEVER,
                                       "wrong_type": 0.5, "wrong_boundary": 0.95}
"""The cut per kind when the other records support the suggestion."""
SUPPORT = 0.5
"""``support`` at or above which ``SUPPORTED_CUTS`` apply."""


@dataclass(frozen=True)
class SpanEvidence:
    """What a method reads about one candidate finding."""

    kind: str
    p_suggested: float
    token_flagged: bool
    support: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"p_suggested": round(self.p_suggested, 4), "token_flagged": self.token_flagged,
                "support": None if self.support is None else round(self.support, 4)}


class SpanMethod(Protocol):
    def flags(self, evidence: SpanEvidence) -> bool: ...

    def describe(self) -> dict[str, Any]: ...


DEFAULT_SPAN_METHOD = "span-confident"
BASELINE_SPAN_METHOD = "span-cleanlab"


def span_methods() -> list[str]:
    """Short names of the registered span label-error methods (tag ``task="spans"``)."""
    return [name for name in REGISTRY.names("cleaning")
            if REGISTRY.tags("cleaning", name).get("task") == "spans"]


def get_span_method(name: str) -> tuple[str, SpanMethod]:
    """(full versioned name, instance) of a span method; refuses a classification one."""
    if REGISTRY.tags("cleaning", name).get("task") != "spans":
        raise InvalidInputError(
            f"label-issue method {name!r} is for classes, not spans",
            hint=f"for a span project use one of {', '.join(span_methods())} "
                 f"(default {DEFAULT_SPAN_METHOD})")
    full, cls = REGISTRY.resolve("cleaning", name)
    return full, cls()


@dataclass(frozen=True)
class SpanCleanlab:
    """Every candidate with a token cleanlab flags (``textloop.cleaning.span-cleanlab.v1``)."""

    def flags(self, evidence: SpanEvidence) -> bool:
        return evidence.token_flagged

    def describe(self) -> dict[str, Any]:
        return {"rule": "a covered token flagged by cleanlab"}


@dataclass(frozen=True)
class SpanConfident:
    """cleanlab agrees and the suggested class is likely on every changed token, with a cut
    per kind (``textloop.cleaning.span-confident.v1``)."""

    cuts: Mapping[str, float] = field(default_factory=lambda: dict(CONFIDENT_CUTS))
    supported_cuts: Mapping[str, float] = field(default_factory=lambda: dict(SUPPORTED_CUTS))
    require_token_flag: bool = True

    def flags(self, evidence: SpanEvidence) -> bool:
        if self.require_token_flag and not evidence.token_flagged:
            return False
        supported = evidence.support is not None and evidence.support >= SUPPORT
        cut = min(self.cuts.get(evidence.kind, NEVER),
                  self.supported_cuts.get(evidence.kind, NEVER) if supported else NEVER)
        return evidence.p_suggested >= cut

    def describe(self) -> dict[str, Any]:
        return {"rule": "p_suggested >= the kind's cut on every changed token (a lower cut "
                        f"where other records' labels support the suggestion >= {SUPPORT})"
                        + (", and a covered token flagged by cleanlab"
                           if self.require_token_flag else ""),
                "cuts": dict(self.cuts), "supported_cuts": dict(self.supported_cuts)}
