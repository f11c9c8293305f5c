"""The quality gate every synthetic candidate passes before it may enter a release.

``run_gate`` gives each candidate a ``Verdict``: accepted, or rejected with a stable reason
code, a detail in words (which record it repeats, which probability was too low) and the
scores behind it. The checks run cheapest first, and a candidate leaves at its first
failure, so the expensive steps only see texts that might still pass:

1. ``format`` / ``too-short`` / ``too-long``: one pass over each text (``gate_format``);
   before it, for a span project, ``markup`` and ``spans-invalid`` (``gate_spans``);
2. ``copy-of-seed``: the text is one of the records the generator was shown;
3. exact copies of real records, after folding case, spacing and punctuation: a
   dictionary lookup; then exact repeats within the batch (``duplicate-of-batch``, the
   first kept; identical texts would share every later verdict anyway);
4. lexical near-duplicates of real records (MinHash LSH over the shingles ``clean`` uses
   for the project's language: 5-byte, or 2-character where words are not units; estimated
   Jaccard >= ``near_dup_jaccard``);
5. semantic near-duplicates of real records (embedding cosine >= ``near_dup_cosine``),
   when an embedder is given; every real text is embedded once, blocks of cosines;
6. ``label-inconsistent``: the scorer (a classifier trained on real data) gives the
   intended label a probability below ``tau`` (for an edit of a seed the scorer itself
   misreads, below the seed's own less ``seed_margin``: ``gate_labels``); when a scorer is
   given. For spans, a span model's agreement with the candidate's types instead
   (``gate_spans``);
7. near and semantic repeats within the batch (``duplicate-of-batch``), among the texts
   that passed everything else, so a text is never dropped for resembling one that is
   itself rejected; the first of each family is kept.

Steps 3 to 5 compare with the test records first: a candidate within near-duplicate
distance (exact, lexical or semantic) of a test record is rejected as ``contamination``,
whatever its other scores, because training on it would inflate the held-out score. A
match with any other real record is ``near-duplicate-of-real``: it adds nothing but
weight on that record (except a variant of the candidate's own seed from an edit-based
generator, see ``GateSettings.seed_variants``).

Checks that cannot run (no scorer, no embedder, no test records, a label the scorer does
not know) are stated in ``GateResult.notes`` and its flags, never passed in silence. The
result also reports, per label, how diverse the accepted texts are
(``strategies/synth_gate``: mean pairwise embedding cosine distance, or distinct-2 without
an embedder, in the language's units), because a generator repeating one idea passes every
per-text check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from textloop.errors import ConfigError, InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span, decode_spans
from textloop.stages.clean.duplicates import SEMANTIC, NearIndex
from textloop.stages.synthesize import gate_matches as matches
from textloop.stages.synthesize.gate_format import (
    FORMAT,
    TOO_LONG,
    TOO_SHORT,
    format_problem,
    loose_key,
)
from textloop.stages.synthesize.gate_labels import (
    LABEL_INCONSISTENT,
    LabelScorer,
    score_labels,
    seed_floors,
)
from textloop.stages.synthesize.gate_spans import (
    MARKUP,
    SPANS_INVALID,
    SpanChecks,
    agreement,
    span_problem,
    type_detail,
)
from textloop.strategies.synth.base import Candidate
from textloop.strategies.synth_gate import DiversityMeasure, make_diversity

COPY_OF_SEED = "copy-of-seed"
CONTAMINATION = "contamination"
NEAR_DUPLICATE_OF_REAL = "near-duplicate-of-real"
DUPLICATE_OF_BATCH = "duplicate-of-batch"
REASONS = (MARKUP, SPANS_INVALID, FORMAT, TOO_SHORT, TOO_LONG, COPY_OF_SEED, CONTAMINATION,
           NEAR_DUPLICATE_OF_REAL, DUPLICATE_OF_BATCH, LABEL_INCONSISTENT)
"""Every reason code a rejected verdict can carry, in the order the checks run."""

Embed = Callable[[Sequence[str]], np.ndarray]
__all__ = ["REASONS", "Embed", "GateResult", "GateSettings", "LabelScorer", "RealCorpus",
           "SpanChecks", "Verdict", "run_gate"]


@dataclass(frozen=True)
class GateSettings:
    """Thresholds of the gate, chosen on the development sets (``benchmarks/synth_gate.py``)."""

    min_chars: int = 10
    """Shorter texts (after stripping) are rejected; 1% of SMS messages are this short."""
    max_chars: int = 2000
    """Longer texts are rejected; the embedder reads only about the first 1,000."""
    tau: float = 0.5
    """Least probability the scorer must give a text's intended label."""
    near_dup_jaccard: float = 0.6
    """Estimated Jaccard similarity of shingles (loose forms) for a near-duplicate: 5-byte
    shingles, or 2-character ones where words are not units of ``language``.
    Lower than ``textloop clean``'s 0.7: in a short text, one changed word already drops
    the similarity below 0.7 (0.6 catches 77-99% of such copies on the development sets,
    0.7 only 60-96%, for 0.5-7 points more new test-split texts turned away)."""
    near_dup_cosine: float = 0.95
    """Embedding cosine similarity (MiniLM) for a semantic near-duplicate, as in ``clean``."""
    num_perm: int = 128
    """MinHash permutations; more estimate Jaccard more precisely, linearly slower."""
    diversity: str | None = None
    """Registered diversity measure; None: cosine-spread with an embedder, else distinct-2."""
    language: str | None = None
    """The project's language (BCP 47 tag): it picks the near-duplicate shingles
    (``minhash.shingles``, as in ``clean``) and distinct-2's units. ``gate_settings`` fills it
    from ``textloop.yaml``; it is not a gate key of its own."""
    seed_margin: float = 0.1
    """For an edit of one seed (``seed_variants``): how far below its seed's probability of
    the label an edit may fall when the scorer gives the seed itself less than ``tau``."""
    seed_variants: bool = False
    """True for generators that edit a seed on purpose (model-free augmentation): a
    candidate's near-copy of one of its own seeds is then what was asked for and passes,
    its similarity kept in the scores, and so do near-copies of one another within the
    batch (variants of one seed resemble each other by design). An exact copy is still
    ``copy-of-seed`` or ``duplicate-of-batch``, a near-copy of any other real record still
    ``near-duplicate-of-real``, and of a test record still ``contamination``. Its label is
    judged against its seed's (``seed_margin``). Prompted
    generators keep False: an LLM echoing its examples is a failure, not a variant."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RealCorpus:
    """The real records candidates are checked against; ``is_test`` marks the held-out
    split that nothing may come near."""

    ids: Sequence[str]
    texts: Sequence[str]
    labels: Sequence[str | None]
    is_test: Sequence[bool]

    def __post_init__(self) -> None:
        sizes = {len(self.ids), len(self.texts), len(self.labels), len(self.is_test)}
        if len(sizes) > 1:
            raise InvalidInputError(
                f"real corpus columns differ in length: {len(self.ids)} ids, "
                f"{len(self.texts)} texts, {len(self.labels)} labels, {len(self.is_test)} "
                "test flags (expected one of each per record)")

    def describe(self, position: int) -> str:
        """A record as a verdict names it: its id and its label."""
        label = self.labels[position]
        kind = "test record" if self.is_test[position] else "record"
        return f"{kind} {self.ids[position]}" + (f" (label {label!r})" if label else "")


@dataclass(frozen=True)
class Verdict:
    candidate: Candidate
    accepted: bool
    reason: str | None
    """One of ``REASONS`` for a rejected candidate; None when accepted."""
    detail: str | None
    scores: Mapping[str, float]
    """What was measured before the verdict: ``label_probability``; ``real_jaccard``,
    ``test_jaccard``, ``batch_jaccard`` for a lexical match; ``real_cosine`` and
    ``test_cosine`` (highest cosine to any such record), ``batch_cosine`` for a match."""


@dataclass
class GateResult:
    verdicts: list[Verdict]
    diversity: dict[str, float]
    """Per label with at least two accepted texts; higher is more varied."""
    diversity_measure: str | None = None
    """Full registry name of the diversity measure."""
    label_checked: bool = False
    """False when no scorer was given: no candidate was checked against its label."""
    semantic_checked: bool = False
    """False when no embedder was given: paraphrases of real records were not looked for."""
    notes: list[str] = field(default_factory=list)
    """What could not be checked, and why, in words."""

    def accepted(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.accepted]

    def rejected(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.accepted]

    def counts(self) -> dict[str, int]:
        """``accepted`` and each reason that occurred, with how many candidates."""
        found = Counter("accepted" if v.accepted else v.reason for v in self.verdicts)
        return {key: found[key] for key in ("accepted", *REASONS) if found[key]}


class _Ledger:
    """Each candidate's first failure, and the scores measured on the way."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = candidates
        self.keys = [loose_key(c.text) for c in candidates]
        self.failure: list[tuple[str, str] | None] = [None] * len(candidates)
        self.scores: list[dict[str, float]] = [{} for _ in candidates]

    def alive(self) -> list[int]:
        return [i for i, failed in enumerate(self.failure) if failed is None]

    def reject(self, i: int, reason: str, detail: str) -> None:
        if self.failure[i] is None:
            self.failure[i] = (reason, detail)

    def name(self, i: int) -> str:
        text = self.candidates[i].text
        return f"candidate #{i} ({text[:40] + ('...' if len(text) > 40 else '')!r})"

    def verdicts(self) -> list[Verdict]:
        out = []
        for i, (candidate, failed) in enumerate(zip(self.candidates, self.failure,
                                                    strict=True)):
            reason, detail = failed if failed is not None else (None, None)
            out.append(Verdict(candidate, failed is None, reason, detail, self.scores[i]))
        return out


def run_gate(candidates: Sequence[Candidate], real: RealCorpus,
             settings: GateSettings = GateSettings(), *, embed: Embed | None = None,
             scorer: LabelScorer | None = None, spans: SpanChecks | None = None,
             progress: Progress = NULL_PROGRESS) -> GateResult:
    """A verdict per candidate, in order, and the accepted texts' diversity per label.
    ``spans``: a span project's checks (``gate_spans``), run first and, with a span model,
    in place of ``scorer``'s label check."""
    measure_name, measure = _diversity_measure(settings, embedded=embed is not None)
    ledger = _Ledger(candidates)
    judged = scorer is not None or (spans is not None and spans.predict is not None)
    result = GateResult([], {}, measure_name, judged, embed is not None)
    with progress.task("Checking format and copies of seeds", total=len(candidates)) as task:
        if spans is not None:
            _check_spans(ledger, spans)
        _check_format(ledger, settings)
        _check_seed_copies(ledger, real)
        task.advance(len(candidates))
    real_keys = [loose_key(t) for t in real.texts]
    _check_lexical(ledger, real, real_keys, settings, progress)
    vectors = None
    if embed is not None and ledger.alive():
        vectors = _check_semantic(ledger, real, embed, settings, progress)
    if spans is not None and spans.predict is not None:
        _check_types(ledger, real, spans.predict, settings, progress)
    elif scorer is not None:
        _check_labels(ledger, real, scorer, settings, result.notes, progress)
    if not settings.seed_variants:  # variants of one seed resemble each other by design
        _repeats_within(ledger, matches.near_within(
            [ledger.keys[i] for i in ledger.alive()], settings.near_dup_jaccard,
            num_perm=settings.num_perm, progress=progress, language=settings.language))
        if vectors is not None:
            _repeats_within(ledger, matches.semantic_within(
                vectors[ledger.alive()], settings.near_dup_cosine, progress))
    result.verdicts = ledger.verdicts()
    result.diversity = _diversity(ledger, vectors, measure)
    result.notes[:0] = _unchecked(real, embed is not None, judged)
    return result


def _diversity_measure(settings: GateSettings, *, embedded: bool
                       ) -> tuple[str, DiversityMeasure]:
    name = settings.diversity or ("cosine-spread" if embedded else "distinct-2")
    full, measure = make_diversity(name, settings.language)
    if measure.needs_vectors and not embedded:
        raise ConfigError(f"the diversity measure {full} reads embeddings, but the gate was "
                          "given no embedder",
                          hint="pass an embedder, or set the gate's diversity to distinct-2")
    return full, measure


def _check_spans(ledger: _Ledger, checks: SpanChecks) -> None:
    for i, candidate in enumerate(ledger.candidates):
        problem = span_problem(candidate, checks)
        if problem is not None:
            ledger.reject(i, *problem)


def _check_types(ledger: _Ledger, real: RealCorpus, predict: Callable[..., Any],
                 settings: GateSettings, progress: Progress) -> None:
    """Type agreement with the span model (``gate_spans``); for seed variants the bar
    drops to the seed's own agreement less ``seed_margin``."""
    alive = [i for i in ledger.alive() if ledger.candidates[i].spans is not None]
    seeds: dict[str, float | None] = {}
    if settings.seed_variants:
        wanted = {c.seed_ids[0] for c in (ledger.candidates[i] for i in alive)
                  if len(c.seed_ids) == 1}
        known = [(rid, text, label) for rid, text, label in
                 zip(real.ids, real.texts, real.labels, strict=True) if rid in wanted]
        with progress.task("Reading the seeds with the span model"):
            read = predict([text for _, text, _ in known])
        seeds = {rid: agreement(text, _decoded(label), found).share
                 for (rid, text, label), found in zip(known, read, strict=True)}
    with progress.task("Reading generated texts with the span model", total=len(alive)):
        predicted = predict([ledger.candidates[i].text for i in alive])
    for i, found_spans in zip(alive, predicted, strict=True):
        candidate = ledger.candidates[i]
        found = agreement(candidate.text, candidate.spans or (), found_spans)
        ledger.scores[i]["spans_judged"] = float(found.judged)
        seed = seeds.get(candidate.seed_ids[0]) if len(candidate.seed_ids) == 1 else None
        if seed is not None:
            ledger.scores[i]["seed_type_agreement"] = seed
        if found.share is None:
            continue
        ledger.scores[i]["type_agreement"] = found.share
        bar = settings.tau if seed is None else min(settings.tau, seed - settings.seed_margin)
        if found.share < bar - 1e-9:
            ledger.reject(i, LABEL_INCONSISTENT, type_detail(found, bar, seed))


def _decoded(value: str | None) -> list[Span]:
    return decode_spans(value) if value else []


def _check_format(ledger: _Ledger, settings: GateSettings) -> None:
    for i, candidate in enumerate(ledger.candidates):
        problem = format_problem(candidate.text, settings.min_chars, settings.max_chars)
        if problem is not None:
            ledger.reject(i, *problem)


def _check_seed_copies(ledger: _Ledger, real: RealCorpus) -> None:
    """A text equal (loosely) to one of the records shown to the generator."""
    wanted = {s for i in ledger.alive() for s in ledger.candidates[i].seed_ids}
    seed_keys = {rid: loose_key(text) for rid, text in zip(real.ids, real.texts, strict=True)
                 if rid in wanted}
    for i in ledger.alive():
        for seed in ledger.candidates[i].seed_ids:
            if seed_keys.get(seed) == ledger.keys[i]:
                ledger.reject(i, COPY_OF_SEED,
                              f"repeats its seed record {seed} (ignoring case, spacing and "
                              "punctuation)")
                break


def _check_lexical(ledger: _Ledger, real: RealCorpus, real_keys: list[str],
                   settings: GateSettings, progress: Progress) -> None:
    """Exact copies of real records and of earlier candidates, then MinHash near-copies."""
    def keys(alive: list[int]) -> list[str]:
        return [ledger.keys[i] for i in alive]

    _against_real(ledger, real, lambda alive, ref, _: matches.exact_to(
        keys(alive), [real_keys[j] for j in ref]), settings)
    _repeats_within(ledger, matches.exact_within(keys(ledger.alive())))
    indexed = ledger.alive()
    if not indexed:
        return
    index = NearIndex(keys(indexed), settings.near_dup_jaccard, num_perm=settings.num_perm,
                      language=settings.language)
    row = {i: r for r, i in enumerate(indexed)}
    _against_real(ledger, real, lambda alive, ref, _: matches.near_to(
        index, [row[i] for i in alive], [real_keys[j] for j in ref], progress), settings)


FindInReal = Callable[[list[int], np.ndarray, str], matches.Found]
"""(alive candidates, positions of real records, scope "test" or "real") -> matches."""


def _against_real(ledger: _Ledger, real: RealCorpus, find: FindInReal,
                  settings: GateSettings) -> None:
    """Test records first (contamination), then every other real record."""
    is_test = np.asarray(real.is_test, dtype=bool)
    for scope, reason, positions in (("test", CONTAMINATION, np.flatnonzero(is_test)),
                                     ("real", NEAR_DUPLICATE_OF_REAL,
                                      np.flatnonzero(~is_test))):
        alive = ledger.alive()
        if not alive or not len(positions):
            continue
        for i, match in zip(alive, find(alive, positions, scope), strict=True):
            if match is not None:
                record = int(positions[match.other])
                if (settings.seed_variants and scope == "real"
                        and real.ids[record] in ledger.candidates[i].seed_ids):
                    ledger.scores[i][f"own_seed_{_measure(match)}"] = match.similarity
                    continue
                ledger.scores[i][f"{scope}_{_measure(match)}"] = match.similarity
                ledger.reject(i, reason, f"{match.describe()} {real.describe(record)}")


def _check_semantic(ledger: _Ledger, real: RealCorpus, embed: Embed,
                    settings: GateSettings, progress: Progress) -> np.ndarray:
    """Paraphrase-level copies of real records; returns every candidate's vector (rows of
    candidates already rejected are zero)."""
    alive = ledger.alive()
    with progress.task("Embedding generated and real texts"):
        own = _unit(embed([ledger.candidates[i].text for i in alive]), len(alive))
        reference = _unit(embed(list(real.texts)), len(real.texts))
    vectors = np.zeros((len(ledger.candidates), own.shape[1]), dtype=np.float32)
    vectors[alive] = own

    def find(alive: list[int], positions: np.ndarray, scope: str) -> matches.Found:
        found, similarity = matches.semantic_to(vectors[alive], reference[positions],
                                                settings.near_dup_cosine)
        for i, value in zip(alive, similarity, strict=True):
            ledger.scores[i][f"{scope}_cosine"] = float(value)
        return found

    _against_real(ledger, real, find, settings)
    return vectors


def _unit(vectors: np.ndarray, n: int) -> np.ndarray:
    """Checked, L2-normalised embeddings (an embedder's vectors may not be unit length)."""
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2 or len(x) != n:
        raise InvalidInputError(f"the embedder returned an array of shape {x.shape} for {n} "
                                f"texts (expected ({n}, dimensions))")
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _check_labels(ledger: _Ledger, real: RealCorpus, scorer: LabelScorer,
                  settings: GateSettings, notes: list[str], progress: Progress) -> None:
    alive = ledger.alive()
    labels = [ledger.candidates[i].label for i in alive]
    with progress.task("Scoring generated texts against their labels", total=len(alive)):
        scored = score_labels([ledger.candidates[i].text for i in alive], labels, scorer)
        floors = _label_floors(ledger, alive, real, scorer, settings)
    unknown: Counter[str] = Counter()
    for i, label, score, (floor, seed) in zip(alive, labels, scored, floors, strict=True):
        if score.probability is None:
            unknown[label] += 1
            continue
        ledger.scores[i]["label_probability"] = score.probability
        if seed is not None:
            ledger.scores[i]["seed_label_probability"] = seed
        if score.probability < floor:
            ledger.reject(i, LABEL_INCONSISTENT, score.detail(label, floor, seed))
    notes += [f"label consistency not checked for {label!r} ({n} candidates): the "
              "classifier has no such class" for label, n in sorted(unknown.items())]


def _label_floors(ledger: _Ledger, alive: list[int], real: RealCorpus, scorer: LabelScorer,
                  settings: GateSettings) -> list[tuple[float, float | None]]:
    """Each candidate's bar: ``tau``, or for an edit of a seed ``gate_labels.seed_floors``."""
    if not settings.seed_variants:
        return [(settings.tau, None)] * len(alive)
    wanted = {s for i in alive for s in ledger.candidates[i].seed_ids}
    texts = {rid: text for rid, text in zip(real.ids, real.texts, strict=True)
             if rid in wanted}
    return seed_floors([ledger.candidates[i].seed_ids for i in alive],
                       [ledger.candidates[i].label for i in alive], texts, scorer,
                       settings.tau, settings.seed_margin)


def _repeats_within(ledger: _Ledger, found: matches.Found) -> None:
    """Reject candidates matching an earlier kept one; ``found`` is over ``alive()``."""
    alive = ledger.alive()
    for i, match in zip(alive, found, strict=True):
        if match is not None:
            first = alive[match.other]
            ledger.scores[i][f"batch_{_measure(match)}"] = match.similarity
            ledger.reject(i, DUPLICATE_OF_BATCH,
                          f"{match.describe()} {ledger.name(first)}, which is kept")


def _measure(match: matches.Match) -> str:
    return "cosine" if match.how == SEMANTIC else "jaccard"


def _diversity(ledger: _Ledger, vectors: np.ndarray | None, measure: DiversityMeasure
               ) -> dict[str, float]:
    """The measure over each label's accepted texts (labels with two or more)."""
    by_label: dict[str, list[int]] = {}
    for i in ledger.alive():
        by_label.setdefault(ledger.candidates[i].label, []).append(i)
    return {label: float(measure([ledger.candidates[i].text for i in rows],
                                 vectors[rows] if vectors is not None else None))
            for label, rows in sorted(by_label.items()) if len(rows) >= 2}


def _unchecked(real: RealCorpus, embedded: bool, scored: bool) -> list[str]:
    notes = []
    if not scored:
        notes.append("label consistency not checked: no label scorer was given, so no "
                      "candidate was tested against its intended label")
    if not embedded:
        notes.append("paraphrases not checked: no embedder was given, so only exact and "
                     "lexical (MinHash) near-duplicates were looked for")
    if not any(real.is_test):
        notes.append("contamination not checked: the real corpus has no test records")
    return notes
