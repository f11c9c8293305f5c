"""``textloop rules``: how each weak labeling rule performs, and storing its weak labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.choices import one_of
from textloop.cli.console import RichProgress, Text, console, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.rules import (
        RuleAnalysis,
        SpanRuleExample,
        SpanRulesReport,
        WeakLabelResult,
    )

_EPILOG = """Examples:\n
  textloop rules\n
  textloop rules --gold import\n
  textloop rules --apply --method majority --min-confidence 0.7"""


@app.command(epilog=_EPILOG)
def rules(
    apply: Annotated[bool, typer.Option(
        "--apply", help="Store the label model's output as weak labels.")] = False,
    method: Annotated[str | None, typer.Option(
        help=f"Label model for --apply: {one_of('label_model')} (default dawid_skene; span "
             "rules combine by token majority).")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="Least label model confidence for a weak label (default 0.5; "
                               "label rules only: span rules combine by token majority).")
                              ] = None,
    gold: Annotated[str, typer.Option(
        help="Comma-separated label kinds that count as the truth for accuracy.")
                    ] = "human,adjudicated,review",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Coverage, overlaps, conflicts and accuracy of the rules in textloop.yaml
    (``span_rules:`` in a span project)."""
    if apply:
        _apply(method, min_confidence, as_json)
    else:
        _analyze([kind.strip() for kind in gold.split(",") if kind.strip()], as_json)


def _analyze(gold_kinds: list[str], as_json: bool) -> None:
    from textloop.stages.rules import SpanRulesReport, evaluate_rules

    project = current_project()
    with open_store(project) as store:
        analysis = evaluate_rules(store, project, gold_kinds=gold_kinds, progress=RichProgress())
    if as_json:
        print_json(analysis.to_dict())
    elif isinstance(analysis, SpanRulesReport):
        _print_span_report(analysis)
    else:
        _print_analysis(analysis)


def _apply(method: str | None, min_confidence: float | None, as_json: bool) -> None:
    from textloop.stages.rules import apply_weak_labels

    project = current_project()
    with open_store(project) as store:
        result = apply_weak_labels(store, project, method=method, min_confidence=min_confidence,
                                   progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
    else:
        _print_applied(result)


def _print_analysis(analysis: RuleAnalysis) -> None:
    table = Table("rule", "label", "coverage", "overlaps", "conflicts", "accuracy", "n gold",
                  title=f"Rules on {analysis.n_items:,} records")
    for rule in analysis.rules:
        accuracy = f"{rule.accuracy:.1%}" if rule.accuracy is not None else "-"
        table.add_row(Text(rule.name), Text(", ".join(rule.polarity) or "-"),
                      f"{rule.coverage:.1%}", f"{rule.overlaps:.1%}", f"{rule.conflicts:.1%}",
                      accuracy, f"{rule.n_gold:,}")
    table.add_section()
    table.add_row("any rule", "", f"{analysis.coverage:.1%}", f"{analysis.overlap:.1%}",
                  f"{analysis.conflict:.1%}", "", f"{analysis.n_gold:,}")
    console.print(table)
    console.print(Text(f"Accuracy is measured on {analysis.n_gold:,} records whose final label "
                       f"is of kind {' or '.join(analysis.gold_kinds)}. Store the rules' labels "
                       "with `textloop rules --apply`."))
    _no_gold_hint(analysis.n_gold, analysis.gold_kinds)


def _no_gold_hint(n_gold: int, kinds: Sequence[str]) -> None:
    """Nothing measured yet: a project of imported labels can measure against those."""
    if n_gold == 0 and "import" not in kinds:
        console.print(Text("Nothing to measure against yet: no record's final answer comes "
                           "from people. To measure against imported labels instead: "
                           "textloop rules --gold import"))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print_span_report(report: SpanRulesReport) -> None:
    analysis, weak = report.analysis, report.weak
    table = Table("rule", "label", "coverage", "spans", "overlaps", "conflicts", "strict P",
                  "partial P", "strict R", "on gold",
                  title=f"Span rules on {analysis.n_items:,} records")
    for rule in analysis.rules:
        table.add_row(Text(rule.name), Text(rule.label), f"{rule.coverage:.1%}",
                      f"{rule.n_spans:,}", _share(rule.overlaps), _share(rule.conflicts),
                      _share(rule.strict_precision), _share(rule.partial_precision),
                      _share(rule.strict_recall), f"{rule.n_gold_spans:,}")
    table.add_section()
    table.add_row("any rule", "", f"{analysis.coverage:.1%}", "", f"{analysis.overlap:.1%}",
                  f"{analysis.conflict:.1%}", "", "", "", "")
    table.add_row("weak spans", "majority", f"{weak.n_covered / analysis.n_items:.1%}"
                  if analysis.n_items else "-", f"{weak.n_spans:,}", "", "",
                  _share(weak.strict_precision), _share(weak.partial_precision),
                  _share(weak.strict_recall), f"{weak.n_on_gold:,}")
    console.print(table)
    f1 = (f"; F1 {_share(weak.strict_f1)} strict, {_share(weak.partial_f1)} partial"
          if weak.n_records else "")
    console.print(Text(f"Precision and recall are measured on {analysis.n_gold:,} records "
                       f"whose final spans are of kind {' or '.join(report.gold_kinds)} "
                       f"({weak.n_gold_spans:,} spans; `on gold`: the rule's spans there)"
                       f"{f1}. Overlaps and conflicts are shares of the rule's spans, coverage "
                       "of records."))
    _no_gold_hint(analysis.n_gold, report.gold_kinds)
    for example in report.examples:
        what = "marked, people did not" if example.kind == "false_positive" else "missed"
        console.print(Text(f"  {example.rule}: {what} {example.label} "
                           f"{example.span_text!r} in {example.record_id}: "
                           f"{_snippet(example)}"))
    console.print(Text("Store the weak spans with `textloop rules --apply`."))


def _snippet(example: SpanRuleExample, context: int = 30) -> str:
    """The example's span with ``context`` characters around it, the span in brackets."""
    text = example.text
    before = text[max(0, example.start - context):example.start]
    after = text[example.end:example.end + context]
    return (("..." if example.start > context else "") + before + "[" + example.span_text
            + "]" + after + ("..." if example.end + context < len(text) else ""))


def _print_applied(result: WeakLabelResult) -> None:
    threshold = ("" if result.min_confidence is None
                 else f", confidence >= {result.min_confidence:g}")
    console.print(Text(f"Weak labels by {result.annotator} ({result.label_model}){threshold}:"))
    table = Table("records", "voted on", "new", "changed", "unchanged", "below threshold",
                  "withdrawn")
    table.add_row(*(f"{n:,}" for n in (result.n_records, result.n_covered, result.new,
                                       result.changed, result.unchanged,
                                       result.below_threshold, result.withdrawn)))
    console.print(table)
    counts = ", ".join(f"{label} {n:,}" for label, n in sorted(result.labels.items()))
    what = "Standing weak labels" if result.min_confidence is not None else "Weak spans"
    console.print(Text(f"{what}: {counts or 'none'}. People's labels always "
                       "outrank weak ones."))
