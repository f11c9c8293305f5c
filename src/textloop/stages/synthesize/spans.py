"""``textloop synth`` for span projects: what differs from classes, and nothing else.

A span project's synthetic items are annotated sentences: the text and its spans, stored
as the project stores any span value, so an accepted item becomes a record with a
``synthetic`` span annotation and enters the next release's train split like a class item.
The rest of the stage (generation loop, gate, storage, decision rule) is shared; here:

- **Targets** are span types, the rarest first (spans per type among the real records
  outside the test split), or those named with ``--labels``: the generator is asked for
  sentences mentioning that type.
- **Seeds** of a type are real records outside the test split whose spans include it, never
  flagged by ``textloop clean``, confident first, spread over the embedding space (the
  classification rule, ``seeds.choose``); each carries its spans.
- **Mentions** a generator may swap in (``mention-swap``) are the strings of each type in the
  real records outside the test split and the phrases of the project's span rules
  (gazetteers): never a test record's mention.
- **The gate's type check** reads candidates with a span model (``gate_spans``): the
  champion when it is a span model, else ``minilm-crf`` fitted on the real records outside
  the test split (``QUICK_MAX_ITER`` L-BFGS iterations), else the span rules.
- **The evaluation** trains a span model with and without the batch and compares entity
  micro-F1 on the release's test split (and F1 per type, for the rule's largest loss per
  class), so the existing rule (``evaluate.judge``) decides with entity F1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from textloop.config import Project
from textloop.errors import NotFoundError
from textloop.measures.span_metrics import span_metrics
from textloop.models.classifiers import make_model
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span, decode_spans
from textloop.stages.runs.loading import load_run
from textloop.stages.synthesize.ablation import Comparison, Inputs, seeded, seeds_to_run, summarise
from textloop.stages.synthesize.gate_spans import SpanChecks
from textloop.stages.synthesize.pool import RealPool
from textloop.stages.synthesize.seeds import Embed, choose
from textloop.stages.train.training import apply_span_rules
from textloop.stages.versions.register import CHAMPION
from textloop.storage import Store, model_versions
from textloop.strategies.synth import Seed
from textloop.tasks.spans import RULES_MODEL, by_record

QUICK_MODEL = "minilm-crf"
QUICK_MAX_ITER = 50
"""L-BFGS iterations of the quick gate model: half the default, enough to read types on a
few hundred sentences in seconds."""
METRIC = "entity_micro_f1"


def spans_of(value: str | None) -> list[Span]:
    return decode_spans(value) if value else []


def real_outside_test(pool: RealPool) -> list[Any]:
    return [r for r in pool.records if r.id not in pool.test_ids]


def type_counts(pool: RealPool) -> Counter[str]:
    """Spans per type among the real records outside the test split."""
    return Counter(s.label for r in real_outside_test(pool) for s in spans_of(r.label))


def span_seeds(pool: RealPool, labels: Sequence[str], k: int, embed: Embed, *,
               flagged: set[str], disputed: set[str], seed: int = 0
               ) -> dict[str, list[Seed]]:
    """Per target type, up to ``k`` seed records showing it, each with its spans."""
    out = {}
    for label in labels:
        usable = [r for r in real_outside_test(pool) if r.id not in flagged
                  and any(s.label == label for s in spans_of(r.label))]
        out[label] = [Seed(r.id, r.text, tuple(spans_of(r.label)))
                      for r in choose(usable, k, embed, disputed=disputed, seed=seed)]
    return out


def mention_pool(project: Project, pool: RealPool) -> dict[str, tuple[str, ...]]:
    """Per type, the distinct strings a mention may be swapped for (see the module doc)."""
    found: dict[str, dict[str, None]] = {}
    for record in real_outside_test(pool):
        for span in spans_of(record.label):
            found.setdefault(span.label, {})[span.text_of(record.text)] = None
    for rule in project.spec.span_rules:
        for phrase in rule.phrases:
            found.setdefault(rule.label, {})[phrase] = None
    return {label: tuple(strings) for label, strings in sorted(found.items())}


def brief_fields(project: Project, pool: RealPool) -> dict[str, Any]:
    """What every span Brief carries besides its type and seeds."""
    spec = project.spec
    return {"guideline": {label.name: label.description for label in spec.labels},
            "mentions": mention_pool(project, pool), "overlapping": spec.spans.overlapping}


def span_checks(store: Store, project: Project, pool: RealPool,
                progress: Progress = NULL_PROGRESS) -> SpanChecks:
    """The gate's span checks with the span model chosen by the module's rule."""
    spec = project.spec
    labels, overlapping = spec.label_names, spec.spans.overlapping
    try:
        with store.read() as conn:
            version = model_versions.get_version(conn, CHAMPION)
        loaded = load_run(store, version["run_id"])
        if model_tags(loaded.model).task == "spans":
            return SpanChecks(labels, overlapping, predict=loaded.model.predict,
                              description=f"champion {version['name']} "
                                          f"({version['run_name']})")
    except NotFoundError:
        pass
    rows = [r for r in real_outside_test(pool) if spans_of(r.label)]
    if rows:
        full, model = make_model(QUICK_MODEL, {"max_iter": QUICK_MAX_ITER}, spec.language)
        with progress.task(f"Fitting {QUICK_MODEL} on {len(rows):,} real records to check "
                           "span types"):
            model.fit([r.text for r in rows], [spans_of(r.label) for r in rows])
        return SpanChecks(labels, overlapping, predict=model.predict,
                          description=f"{full} fitted on {len(rows):,} real records")
    if spec.span_rules:
        full, model = make_model(RULES_MODEL, None, spec.language)
        apply_span_rules(model, {}, project)
        model.fit([], [])
        return SpanChecks(labels, overlapping, predict=model.predict,
                          description=f"{full} (span rules)")
    return SpanChecks(labels, overlapping,
                      description="none: no real record has spans and the project has no "
                                  "span rules")


def compare_spans(estimator: Any, project: Project, train: Inputs, extra: Inputs,
                  test: Inputs, labels: Sequence[str], seeds: int,
                  progress: Progress = NULL_PROGRESS) -> Comparison:
    """Fit ``train`` and ``train + extra`` per seed; entity micro-F1 and F1 per type on
    ``test`` (paired medians, as ``ablation.compare``). ``y`` holds stored span values."""
    runs = seeds_to_run(estimator, seeds)
    scores: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
    truth = by_record([spans_of(v) for v in test.y])
    texts = by_record(list(test.x))
    with progress.task(f"Training with and without the batch ({len(runs)} seeds)",
                       total=2 * len(runs)) as task:
        for seed in runs:
            for arm, rows in (("without", train), ("with", train.plus(extra))):
                model = seeded(estimator, seed)
                if model_tags(model).uses_span_rules:
                    apply_span_rules(model, {}, project)
                model.fit(list(rows.x), [spans_of(v) for v in rows.y])
                found = span_metrics(truth, by_record(model.predict(list(test.x))), texts,
                                     labels=labels)
                scores[arm].append(as_class_scores(found, labels))
                task.advance()
    out = summarise(runs, scores, labels)
    out.metric = METRIC
    return out


def as_class_scores(found: Mapping[str, Any], labels: Sequence[str]) -> dict[str, Any]:
    """Span scores in the shape ``ablation.summarise`` reads: F1 per type (None for a type
    absent from both the truth and the predictions), entity micro-F1 as the headline."""
    per_type = found.get("per_type", {})
    return {"per_class": {label: {"f1": (per_type.get(label) or {}).get("f1")}
                          for label in labels},
            "macro_f1": float(found[METRIC])}
