"""``textloop suggest`` for span projects: a span model's uncertainty, cold start, random or
rule coverage.

- the span strategies (``span-mnlp``, ``span-least-confidence``, ``span-token-entropy-mean``,
  ``span-token-entropy-max``, ``span-cluster-mnlp``; registered with ``task="spans"``) rank
  the pool by the answers of a span model fitted on the labels so far
  (``span_learner``: ``minilm-crf`` with bounded iterations), refitted at every call;
- ``span-default`` (what ``labeling.strategy: default`` means here): cold start (k-means on
  the pool's sentence embeddings, as classification starts) until a span model can be
  trained, then the measured best span strategy (see docs/spans.md);
- ``cold-start`` and ``random`` (``task="any"``) need no model;
- ``rule-coverage``: records where the span rules *disagree* first (spans of different
  labels on the same tokens: one of the rules is wrong there, and a person's answer says
  which, so it teaches the most about the rules), then records where the rules mark the
  most spans (the labeling page shows them as suggestions to accept or fix, which is fast,
  and every answer measures the rules' precision), then records no rule fires on (the
  only place to find what the rules miss) in random order. Ties keep a seeded random order.

Strategies that rank by a classifier's class probabilities (``margin``, ``qbc`` ...) are
refused, naming the ones that work. The queue keeps the strategy's order, and so does the
labeling page's teach mode, which takes records from the queue.
"""

from __future__ import annotations

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.active_learn.data import ActiveSets, partition
from textloop.stages.active_learn.span_learner import fit_span_learner, tag_pool
from textloop.stages.active_learn.suggest import SuggestResult, enqueue, rank, require_pool
from textloop.stages.clean.inputs import embed_texts
from textloop.stages.label.span_suggestions import learner_suggestions
from textloop.stages.rules import span_rule_hits
from textloop.storage import Store
from textloop.strategies.query import (
    QueryContext,
    get_strategy,
    span_strategy_names,
    strategy_task,
)
from textloop.strategies.span_rules import analyze_span_rules
from textloop.tasks import task_for

RANDOM = "random"
RULE_COVERAGE = "rule-coverage"
SPAN_DEFAULT = "span-default"
_BASIS = {
    RANDOM: "a random sample of the unlabeled records",
    RULE_COVERAGE: "records where span rules disagree first, then where they mark most spans",
}
_COLD = ("diverse, representative records (k-means on sentence embeddings): no span model "
         "could be trained yet")
_MODEL = "records the span model fitted on the labels so far is least sure of, by {name}"


def span_strategies() -> list[str]:
    """Every ordering a span project can ask for: the registry's, then rule coverage."""
    return [*span_strategy_names(), RULE_COVERAGE]


def span_strategy(project: Project, strategy: str | None) -> str:
    """The ordering ``strategy`` (or ``labeling.strategy``) means for a span project;
    strategies that rank by class probabilities refused with what to use instead."""
    name = strategy or project.spec.labeling.strategy
    if name == "default":
        return SPAN_DEFAULT
    if name == RULE_COVERAGE:
        return name
    get_strategy(name)  # an unknown name gets the registry's "did you mean"
    if strategy_task(name) in ("spans", "any"):
        return name
    raise InvalidInputError(
        f"query strategy {name!r} ranks by a classifier's class probabilities; a span project "
        "ranks by a span model's tag probabilities",
        hint=f"use one of {', '.join(span_strategies())} (--strategy default: "
             f"{SPAN_DEFAULT}), or set labeling.strategy: default in textloop.yaml")


def suggest_spans(store: Store, project: Project, *, strategy: str | None = None,
                  batch: int | None = None, overlap: int | None = None, seed: int = 0,
                  progress: Progress = NULL_PROGRESS) -> SuggestResult:
    """Queue up to ``batch`` unlabeled records of a span project in ``strategy``'s order."""
    name = span_strategy(project, strategy)
    size = batch or project.spec.labeling.batch
    found = partition(store, project)
    require_pool(found.pool)
    hints: list[dict[str, object]] = []
    n_spans = 0
    if name == RULE_COVERAGE:
        chosen = _by_rule_coverage(store, project, found.pool, size,
                                   np.random.default_rng(seed), progress)
        full_name, cold, basis = RULE_COVERAGE, False, _BASIS[name]
    elif get_strategy(name)[0] == get_strategy(RANDOM)[0]:  # needs no embeddings
        full_name, sampler = get_strategy(RANDOM)
        context = QueryContext(pool_X=np.empty((len(found.pool), 0), dtype=np.float32),
                               labeled_X=np.empty((0, 0), dtype=np.float32),
                               labeled_y=np.empty(0, dtype=object),
                               rng=np.random.default_rng(seed))
        chosen = [found.pool[i] for i in sampler.select(context, size)]
        cold, basis = False, _BASIS[RANDOM]
    else:
        full_name, chosen, cold, hints, n_spans = _by_span_model(
            store, project, name, found.texts, found.labeled, found.pool, size, seed,
            [found.resolved[r].label for r in found.labeled], progress)
        basis = _COLD if cold else _MODEL.format(name=full_name)
    batch_id = enqueue(store, project, chosen, full_name, overlap, hints or None)
    return SuggestResult(full_name, batch_id, len(found.pool), len(found.labeled), cold,
                         chosen, basis=basis, suggested_spans=n_spans)


def _by_span_model(store: Store, project: Project, name: str, texts: dict[str, str],
                   labeled: list[str], pool: list[str], size: int, seed: int,
                   values: list[str], progress: Progress
                   ) -> tuple[str, list[str], bool, list[dict[str, object]], int]:
    """(full name, record ids best first, cold start?, each chosen record's queue hint, the
    spans the hints hold) by
    a strategy over sentence embeddings and, for span strategies, the answers of a span
    model fitted on ``labeled``. The hints carry that model's spans for the record (and
    its probability of the whole tagging as the confidence): the labeling page offers
    them as suggestions (``QueuedLearnerSuggester``); none without a model."""
    _, instance = get_strategy(name)
    vectors = embed_texts(store, [texts[r] for r in labeled + pool], progress,
                          project.spec.language)
    tagged, model = None, None
    if strategy_task(name) == "spans":
        with progress.task("Fitting the span model", total=None):
            model = fit_span_learner([texts[r] for r in labeled], task_for(project).targets(values))
            tagged = tag_pool(model, [texts[r] for r in pool])
        if instance.needs_model and tagged is None:
            raise InvalidInputError(
                f"strategy {name!r} needs a trained span model: label records with at least "
                "one span first (found none among "
                f"{len(labeled)} labeled record{'s' if len(labeled) != 1 else ''})",
                hint=f"use --strategy default ({SPAN_DEFAULT}: it starts with a diverse, "
                     "representative cold-start batch)")
    sets = ActiveSets(labeled, np.asarray(values, dtype=object), vectors[:len(labeled)], pool,
                      vectors[len(labeled):])
    full_name, chosen, cold, _ = rank(sets, name, size, seed, tagged=tagged)
    hints: list[dict[str, object]] = []
    n_spans = 0
    if model is not None and tagged is not None and not cold:
        chosen_texts = [texts[pool[i]] for i in chosen]
        scored = model.predict_scored(chosen_texts)
        hints = [{"suggestion": stored, "confidence": tagged[int(i)].sequence_probability}
                 for i, stored in zip(chosen, learner_suggestions(chosen_texts, scored),
                                      strict=True)]
        n_spans = sum(len(row) for row in scored)
    return full_name, [pool[i] for i in chosen], cold, hints, n_spans


def _by_rule_coverage(store: Store, project: Project, pool: list[str], size: int,
                      rng: np.random.Generator, progress: Progress) -> list[str]:
    """The first ``size`` pool records by (conflicting spans, rule spans), most first."""
    if size < 1:
        raise InvalidInputError(f"batch must be at least 1 (found {size})",
                                hint="ask for one or more items, e.g. --batch 50")
    hits = span_rule_hits(store, project, progress)
    waiting = set(pool)
    keyed = []
    for record_id, text, row, tie in zip(hits.record_ids, hits.texts, hits.spans,
                                         rng.permutation(len(hits.record_ids)).tolist(),
                                         strict=True):
        if record_id not in waiting:
            continue
        stats = analyze_span_rules([text], [row], hits.rules.names, hits.rules.labels).rules
        conflicts = sum(rule.n_conflicting for rule in stats)
        marked = sum(rule.n_spans for rule in stats)
        keyed.append((-conflicts, -marked, tie, record_id))
    return [record_id for *_, record_id in sorted(keyed)[:size]]
