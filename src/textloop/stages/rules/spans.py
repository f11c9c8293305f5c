"""``textloop rules`` for span projects: span rules judged on the store, and their weak spans.

The pure parts live in ``spans.rules`` (compiling), ``spans.rule_votes`` (the token-level
majority) and ``strategies.span_rules`` (per-rule statistics); this module feeds them the
store's records and the final spans people gave (resolved as everywhere else, by
``stages.label.resolution``), and adds what a user needs to fix a rule: the combined weak
spans' own score, and a few of each rule's false positives and missed mentions.

Weak spans are stored like weak labels (``weak.store_weak_answers``): one standing
annotation of kind ``weak`` per record by ``label_model:majority``, only where the majority
gives at least one span (a record no rule fires on says nothing about its spans), the value
the task's canonical span JSON, re-runs idempotent. A sequence label model (an HMM over the
rules' token votes, as skweak fits) is not here: nothing measured yet says it would beat the
majority on gazetteer and pattern rules, which mostly mark disjoint labels; the weak spans'
score in the report is the number such a model would have to improve.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import ConfigError, InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.registry import REGISTRY
from textloop.spans import Span, decode_spans, encode_spans
from textloop.spans.matching import NO_SPANS, SpanMatch, match_spans
from textloop.spans.rules import SpanRuleSet, compile_span_rules
from textloop.stages.label.resolution import current_labels
from textloop.stages.rules.votes import BATCH
from textloop.stages.rules.weak import WeakLabelResult, store_weak_answers
from textloop.storage import Store, records
from textloop.strategies.span_rules import SpanRuleAnalysis, analyze_span_rules
from textloop.tasks import ValueProblem, task_for

SPAN_METHOD = "majority"
"""The one way span rules' votes combine today (``combine_spans``)."""
EXAMPLES = 3
"""False positives and missed mentions shown per rule."""

EXAMPLE_SPAN_RULES = """\
span_rules:
  - name: kr-mobile
    label: PHONE
    regex: '(?<!\\d)01[016789]-?\\d{3,4}-?\\d{4}(?!\\d)'
  - name: brands
    label: BRAND
    phrases: [삼성전자, LG전자, Apple, Galaxy S24]"""


@dataclass(frozen=True)
class SpanRuleHits:
    """Each record's text and each rule's spans there (``[records][rules]``), in id order."""

    record_ids: list[str]
    texts: list[str]
    spans: list[list[list[Span]]]
    rules: SpanRuleSet


@dataclass(frozen=True)
class WeakSpanQuality:
    """The combined weak spans against people's spans, on the records people answered."""

    n_records: int
    """Records with gold spans (an empty answer counts: nothing to mark)."""
    n_gold_spans: int
    """Gold spans on those records."""
    n_on_gold: int
    """Weak spans on those records."""
    n_spans: int
    """Weak spans in the whole store."""
    n_covered: int
    """Records of the whole store that get at least one weak span."""
    strict_precision: float | None
    partial_precision: float | None
    strict_recall: float | None
    partial_recall: float | None
    strict_f1: float | None
    partial_f1: float | None


@dataclass(frozen=True)
class SpanRuleExample:
    """A span that shows what to fix: a rule's span people did not mark
    (``false_positive``), or a span of the rule's label people marked and the rule did not
    mark exactly (``missed``)."""

    rule: str
    kind: str  # "false_positive" | "missed"
    record_id: str
    start: int
    end: int
    label: str
    span_text: str
    text: str


@dataclass(frozen=True)
class SpanRulesReport:
    """What ``textloop rules`` reports on a span project."""

    analysis: SpanRuleAnalysis
    weak: WeakSpanQuality
    label_model: str
    gold_kinds: list[str]
    examples: list[SpanRuleExample] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def project_span_rules(project: Project) -> SpanRuleSet:
    """The project's span rules compiled; a ``ConfigError`` with an example when there are
    none."""
    spec = project.spec
    if not spec.span_rules:
        raise ConfigError(f"{project.spec_path} declares no span rules",
                          hint=f"add a block like this to textloop.yaml:\n{EXAMPLE_SPAN_RULES}")
    return compile_span_rules(spec.span_rules, spec.label_names)


def span_rule_hits(store: Store, project: Project,
                   progress: Progress = NULL_PROGRESS) -> SpanRuleHits:
    """Apply every span rule to every record (in id order)."""
    compiled = project_span_rules(project)
    ids: list[str] = []
    texts: list[str] = []
    found: list[list[list[Span]]] = []
    with store.read() as conn:
        total = records.count(conn)
        with progress.task(f"Applying {len(compiled)} span rules", total=total) as task:
            for record in records.iter_all(conn, batch=BATCH):
                ids.append(record.id)
                texts.append(record.text)
                found.append(compiled.apply(record.text))
                task.advance()
    return SpanRuleHits(ids, texts, found, compiled)


def evaluate_span_rules(store: Store, project: Project, gold_kinds: Sequence[str],
                        progress: Progress = NULL_PROGRESS,
                        examples: int = EXAMPLES) -> SpanRulesReport:
    """Per-rule coverage, overlaps, conflicts and precision/recall on gold records, the
    combined weak spans' score, and up to ``examples`` false positives and misses per rule.

    Gold is a record's final spans when their kind is in ``gold_kinds``."""
    hits = span_rule_hits(store, project, progress)
    with store.read() as conn:
        resolved = current_labels(conn, project.spec.labeling.policy, task=task_for(project))
    gold: list[list[Span] | None] = []
    for record_id in hits.record_ids:
        final = resolved.get(record_id)
        gold.append(decode_spans(final.label) if final is not None and final.kind in gold_kinds
                    else None)
    analysis = analyze_span_rules(hits.texts, hits.spans, hits.rules.names, hits.rules.labels,
                                  gold)
    name, combine = REGISTRY.resolve("span_label_model", SPAN_METHOD)
    combined = [combine(text, row) if any(row) else [] for text, row in
                zip(hits.texts, hits.spans, strict=True)]
    return SpanRulesReport(analysis, _weak_quality(combined, gold), name, list(gold_kinds),
                           _examples(hits, gold, examples))


def _weak_quality(combined: list[list[Span]], gold: list[list[Span] | None]
                  ) -> WeakSpanQuality:
    total: SpanMatch = NO_SPANS
    n_records = 0
    for weak, answer in zip(combined, gold, strict=True):
        if answer is not None:
            n_records += 1
            total += match_spans(answer, weak)
    return WeakSpanQuality(n_records, total.n_reference, total.n_candidate,
                           sum(len(spans) for spans in combined),
                           sum(bool(spans) for spans in combined),
                           total.precision(), total.precision(partial=True), total.recall(),
                           total.recall(partial=True), total.f1(), total.f1(partial=True))


def _examples(hits: SpanRuleHits, gold: list[list[Span] | None], limit: int
              ) -> list[SpanRuleExample]:
    """The first ``limit`` false positives and misses of each rule, in record id order."""
    out: list[SpanRuleExample] = []
    for j, rule in enumerate(hits.rules.rules):
        wrong: list[SpanRuleExample] = []
        missed: list[SpanRuleExample] = []
        for record_id, text, row, answer in zip(hits.record_ids, hits.texts, hits.spans, gold,
                                                strict=True):
            if answer is None:
                continue
            marked, truth = set(row[j]), {s for s in answer if s.label == rule.label}
            wrong += [_example(rule.name, "false_positive", record_id, text, s)
                      for s in row[j] if s not in truth]
            missed += [_example(rule.name, "missed", record_id, text, s)
                       for s in sorted(truth) if s not in marked]
        out += wrong[:limit] + missed[:limit]
    return out


def _example(rule: str, kind: str, record_id: str, text: str, span: Span) -> SpanRuleExample:
    return SpanRuleExample(rule, kind, record_id, span.start, span.end, span.label,
                           span.text_of(text), text)


def apply_weak_spans(store: Store, project: Project, *, method: str | None = None,
                     progress: Progress = NULL_PROGRESS) -> WeakLabelResult:
    """Combine the span rules' spans per record and store them as weak annotations."""
    if method not in (None, SPAN_METHOD):
        raise InvalidInputError(f"label model {method!r} does not combine span rules",
                                hint=f"span rules combine by token majority: use --method "
                                     f"{SPAN_METHOD} (or leave --method out)")
    hits = span_rule_hits(store, project, progress)
    name, combine = REGISTRY.resolve("span_label_model", SPAN_METHOD)
    result = WeakLabelResult(SPAN_METHOD, name, f"label_model:{SPAN_METHOD}", None,
                             n_records=len(hits.record_ids))
    task, spec = task_for(project), project.spec
    answers: dict[str, tuple[str, str]] = {}
    counts: Counter[str] = Counter()
    for record_id, text, row in zip(hits.record_ids, hits.texts, hits.spans, strict=True):
        if not any(row):
            continue
        result.n_covered += 1
        spans = combine(text, row)
        if not spans:
            continue
        try:
            value = task.check_value(encode_spans(spans), spec, text)
        except ValueProblem as exc:  # the rules' labels are checked: this is a textloop bug
            raise InvalidInputError(f"record {record_id}: the span rules' weak spans are not "
                                    f"valid ({exc})", hint=exc.fix) from None
        voters = [hits.rules.names[j] for j, found in enumerate(row) if found]
        answers[record_id] = (value, json.dumps({"rules": voters, "label_model": name}))
        counts.update(span.label for span in spans)
    result.below_threshold = result.n_covered - len(answers)
    store_weak_answers(store, answers, result)
    result.labels = dict(counts)
    return result

