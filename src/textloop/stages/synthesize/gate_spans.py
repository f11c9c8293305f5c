"""The gate's span checks: do a candidate's spans stand, and does a span model read the
same types?

A span candidate fails first when its generator could not read its own output (``markup``:
the LLM's line was not well-formed inline markup, the detail saying how) or when its spans
are not a value the project could store (``spans-invalid``: outside the text, empty, a
label the project does not have, an overlap where spans may not overlap; the same
``spans.check_spans`` an import runs).

Type agreement replaces the class probability of ``gate_labels``: a span model trained on
the real records (the champion, or a quick model) tags the candidate's text, and each of
the candidate's spans that a predicted span overlaps is *judged*: it agrees when such a
span has its type. A candidate passes when at least ``tau`` of its judged spans agree; one
whose spans the model finds nothing at has nothing judged and passes, its score saying so
(a model trained on fifty sentences misses many mentions, and a miss is no evidence that a
type is wrong). For an edit of one seed, as for classes, a model that already disagrees
with the seed's own spans cannot judge its variants: the bar is then the seed's own
agreement less ``seed_margin``, when that is lower.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textloop.spans import Span, SpanError, check_spans
from textloop.strategies.synth.base import Candidate

MARKUP, SPANS_INVALID = "markup", "spans-invalid"
SpanPredictor = Callable[[Sequence[str]], list[list[Span]]]
"""texts -> each text's predicted spans."""


@dataclass(frozen=True)
class SpanChecks:
    """What the gate checks span candidates against: the project's labels and overlap
    rule, and the span model that judges types (None: types not checked)."""

    labels: Sequence[str]
    overlapping: bool
    predict: SpanPredictor | None = None
    description: str = ""


@dataclass(frozen=True)
class Agreement:
    judged: int
    agreed: int
    disagreements: tuple[str, ...]
    """``'Lima' (LOC): the model reads PER`` for each judged span that did not agree."""

    @property
    def share(self) -> float | None:
        return None if not self.judged else self.agreed / self.judged


def span_problem(candidate: Candidate, checks: SpanChecks) -> tuple[str, str] | None:
    """(reason, detail) when the candidate's spans cannot be stored, else None."""
    if candidate.problem is not None:
        return candidate.problem
    if candidate.spans is None:
        return None
    try:
        check_spans(candidate.text, candidate.spans, checks.labels,
                    overlapping=checks.overlapping)
    except SpanError as exc:
        return SPANS_INVALID, f"{exc} ({exc.fix})"
    return None


def agreement(text: str, spans: Sequence[Span], predicted: Sequence[Span]) -> Agreement:
    """How many of ``spans`` the predicted spans overlap, and how many of those agree."""
    judged, agreed, differ = 0, 0, []
    for span in spans:
        over = [p for p in predicted if p.overlaps(span)]
        if not over:
            continue
        judged += 1
        if any(p.label == span.label for p in over):
            agreed += 1
        else:
            read = ", ".join(sorted({p.label for p in over}))
            differ.append(f"{span.text_of(text)!r} ({span.label}): the model reads {read}")
    return Agreement(judged, agreed, tuple(differ))


def type_detail(found: Agreement, bar: float, seed: float | None) -> str:
    share = found.share or 0.0
    against = f"{bar:.2f}" + ("" if seed is None else f", its seed has {seed:.2f}")
    return (f"the span model agrees with {found.agreed} of the {found.judged} spans it also "
            f"marks ({share:.2f}; at least {against} expected): "
            + "; ".join(found.disagreements[:3]))
