"""``textloop suggest`` for span projects, until span models exist: random or rule coverage.

Every strategy that ranks by a model's uncertainty needs a span model, so those are refused.
Two orderings work without one:

- ``random``: the registered random sampling (``textloop.query.random.v1``), the unbiased
  sample that estimates how often each label occurs;
- ``rule-coverage``: records where the span rules *disagree* first (spans of different
  labels on the same tokens: one of the rules is wrong there, and a person's answer says
  which, so it teaches the most about the rules), then records where the rules mark the
  most spans (the labeling page shows them as suggestions to accept or fix, which is fast,
  and every answer measures the rules' precision), then records no rule fires on (the
  only place to find what the rules miss) in random order. Ties keep a seeded random order.

The default (``labeling.strategy: default``) is rule coverage when ``span_rules:`` lists
any rule, else random.
"""

from __future__ import annotations

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.active_learn.data import partition
from textloop.stages.active_learn.suggest import SuggestResult, enqueue, require_pool
from textloop.stages.rules import span_rule_hits
from textloop.storage import Store
from textloop.strategies.query import QueryContext, get_strategy
from textloop.strategies.span_rules import analyze_span_rules

RANDOM = "random"
RULE_COVERAGE = "rule-coverage"
SPAN_STRATEGIES = (RANDOM, RULE_COVERAGE)
_BASIS = {
    RANDOM: "a random sample of the unlabeled records",
    RULE_COVERAGE: "records where span rules disagree first, then where they mark most spans",
}


def span_strategy(project: Project, strategy: str | None) -> str:
    """The ordering ``strategy`` (or ``labeling.strategy``) means for a span project;
    model-based strategies refused with what to use instead."""
    name = strategy or project.spec.labeling.strategy
    if name == "default":
        return RULE_COVERAGE if project.spec.span_rules else RANDOM
    if name in SPAN_STRATEGIES:
        return name
    hint = (f"use --strategy {RANDOM} or {RULE_COVERAGE} (records where span rules disagree "
            "or fire most first), or set labeling.strategy: default in textloop.yaml")
    get_strategy(name)  # an unknown name gets the registry's "did you mean"
    raise InvalidInputError(f"query strategy {name!r} ranks by a model's uncertainty; span "
                            "models come with a later release, so span projects queue records "
                            f"by {RANDOM} or {RULE_COVERAGE} for now", hint=hint)


def suggest_spans(store: Store, project: Project, *, strategy: str | None = None,
                  batch: int | None = None, overlap: int | None = None, seed: int = 0,
                  progress: Progress = NULL_PROGRESS) -> SuggestResult:
    """Queue up to ``batch`` unlabeled records of a span project in ``strategy``'s order."""
    name = span_strategy(project, strategy)
    size = batch or project.spec.labeling.batch
    found = partition(store, project)
    require_pool(found.pool)
    rng = np.random.default_rng(seed)
    if name == RULE_COVERAGE:
        full_name, chosen = RULE_COVERAGE, _by_rule_coverage(store, project, found.pool, size,
                                                             rng, progress)
    else:
        full_name, sampler = get_strategy(RANDOM)
        context = QueryContext(pool_X=np.empty((len(found.pool), 0), dtype=np.float32),
                               labeled_X=np.empty((0, 0), dtype=np.float32),
                               labeled_y=np.empty(0, dtype=object), rng=rng)
        chosen = [found.pool[i] for i in sampler.select(context, size)]
    batch_id = enqueue(store, project, chosen, full_name, overlap)
    return SuggestResult(full_name, batch_id, len(found.pool), len(found.labeled), False,
                         chosen, basis=_BASIS[name])


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
