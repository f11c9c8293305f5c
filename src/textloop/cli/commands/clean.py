"""``textloop clean``: find label issues, duplicates, conflicts, outliers, personal data and
leakage; print a summary and point to the report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from textloop.cli.choices import one_of
from textloop.cli.console import ExecutorChoice, RichProgress, Text, console, print_json
from textloop.cli.context import open_project
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.clean import CleanResult

_EPILOG = """Examples:\n
  textloop clean\n
  textloop clean --folds 10 --model embed-lr --model tfidf-lr\n
  textloop clean --method cleanlab --no-embeddings\n
  textloop clean --model finetune --model embed-lr --model tfidf-lr --budget-minutes 30\n
  textloop clean --redact\n
  textloop clean --executor ray   (the folds as Ray tasks; see docs/cleaning.md)\n
  textloop clean --min-precision 0.8   (flag only what is 8 in 10 likely a real error)\n
  textloop clean --folds 3 --no-embeddings   (a span project: minilm-crf out of fold)\n
  textloop clean --model minilm-tagger --method span-cleanlab   (a span project)"""


@app.command(epilog=_EPILOG)
def clean(
    model: Annotated[list[str] | None, typer.Option(
        "--model", help="Model for out-of-fold probabilities; repeat for more views (the "
                        "first is the main one). Default: embed-lr and tfidf-lr; for a span "
                        "project minilm-crf (a model that tags tokens). finetune: a "
                        "fine-tuned encoder (lora; needs textloop[train]).")] = None,
    method: Annotated[str, typer.Option(
        help=f"Label-issue method: {one_of('cleaning')} (cleanlab: cleanlab's defaults on "
             "the main model; a span project uses span-confident unless span-cleanlab is "
             "named).")] = "views-knn",
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    tuned_folds: Annotated[int, typer.Option(
        min=2, help="Folds of a fine-tuned view (at most --folds).")] = 3,
    budget_minutes: Annotated[float | None, typer.Option(
        min=0.0, help="Skip a fine-tuned view estimated (from two timed small fits) to "
                      "take longer, with a warning.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 0,
    near_threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Estimated Jaccard similarity for a near-duplicate.")] = 0.7,
    semantic_threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Embedding cosine similarity for a semantic duplicate.")] = 0.95,
    embeddings: Annotated[bool, typer.Option(
        "--embeddings/--no-embeddings", help="Use embeddings for neighbours, semantic "
        "duplicates and outliers (needs the MiniLM model).")] = True,
    release: Annotated[str, typer.Option(
        help="Release whose splits are checked for leakage.")] = "latest",
    leakage: Annotated[bool, typer.Option("--leakage/--no-leakage",
                                          help="Check the release for leakage.")] = True,
    max_chars: Annotated[int, typer.Option(min=1, help="Longer texts are overlong.")] = 2000,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Also write a new release with personal data replaced by "
                         "placeholders such as [EMAIL].")] = False,
    min_precision: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="Flag only the likeliest label errors whose estimated "
        "precision (expected share of real errors among the flags) reaches this; the rest "
        "are ranked, not flagged. Default: clean.min_precision in textloop.yaml, else the "
        "method's flags.")] = None,
    executor: ExecutorChoice = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Label issues, duplicates, conflicts, outliers, bad texts, personal data and leakage."""
    with open_project() as project:
        result = project.clean(models=model or None, method=method, folds=folds,
                               tuned_folds=tuned_folds, budget_minutes=budget_minutes, seed=seed,
                               near_threshold=near_threshold,
                               semantic_threshold=semantic_threshold, embeddings=embeddings,
                               release=release, leakage=leakage, max_chars=max_chars,
                               redact=redact, min_precision=min_precision,
                               executor=executor, progress=RichProgress())
    if as_json:
        print_json({"cleaning_id": result.cleaning_id, **result.summary(),
                    "report": str(result.report_html),
                    "redacted_release": result.redacted_release})
    else:
        print_result(result)


def print_result(result: CleanResult) -> None:
    summary = result.summary()
    labels = summary["label_issues"]
    spans = labels.get("unit") == "spans"
    precision = labels.get("precision")
    estimated = ("estimated label noise", "estimated model error") if precision else ()
    table = Table(*(("type", "spans", "questioned") if spans else ("label", "records",
                                                                    "flagged")),
                  "flagged share" if precision else "estimated error rate", *estimated,
                  title=f"Cleaning {result.cleaning_id}: {result.n_records:,} labeled records")
    for label, row in labels["per_class"].items():
        rates = ((f"{row['noise_rate']:.1%}", f"{row['model_error_rate']:.1%}") if precision
                 else ())
        table.add_row(Text(label), f"{row['n']:,}", f"{row['flagged']:,}", f"{row['rate']:.1%}",
                      *rates)
    console.print(table)
    counts = summary["findings"]
    dup = summary["duplicates"]
    lines = [
        _span_line(labels) if spans else
        f"Label issues: {labels['flagged']:,} ({labels['method']}; cleanlab's defaults flag "
        f"{labels['baseline_flagged']:,})" + _precision_line(precision),
        f"Duplicates: {dup['clusters']:,} clusters ({dup['exact']:,} exact, {dup['near']:,} near,"
        f" {dup['semantic']:,} semantic links), {dup['conflicting_clusters']:,} with "
        "conflicting labels",
        f"Outliers: {counts['outlier']:,}; empty {counts['empty']:,}, garbage "
        f"{counts['garbage']:,}, overlong {counts['overlong']:,}",
        "Personal data: " + (", ".join(f"{kind} {n:,}" for kind, n in
                                       summary["pii"]["matches"].items() if n) or "none"),
        _leakage_line(summary["leakage"]),
    ]
    for line in lines:
        console.print(Text(line))
    for warning in result.warnings:
        console.print(Text(f"Warning: {warning}", style="yellow"))
    if result.carried:
        console.print(Text(f"Already decided: {result.carried:,} findings closed by earlier "
                           "review decisions (same record, kind and labels)"))
    if result.redacted_release:
        console.print(Text(f"Redacted release: {result.redacted_release}"))
    console.print(Text(f"Report: {result.report_html}"))
    console.print(Text("Review the findings: `textloop review`, or /review in `textloop label`"))


def _precision_line(precision: dict[str, Any] | None) -> str:
    """How many of the flags are expected to be real errors, and what was only ranked."""
    if not precision:
        return ""
    kept = precision["expected_precision"]
    said = "" if kept is None else f"; expected precision {kept:.0%}"
    target = precision["min_precision"]
    if target is not None:
        said += f" (target {target:.0%})"
    said += (f"; estimated label noise {precision['noise_rate']:.1%}, model error "
             f"{precision['model_error_rate']:.1%}")
    if precision["ranked_not_flagged"]:
        said += f"; {precision['ranked_not_flagged']:,} more ranked, not flagged"
    return said


def _span_line(labels: dict[str, Any]) -> str:
    """Span findings by kind, and how many tokens and records cleanlab flagged."""
    kinds = ", ".join(f"{kind.replace('_', ' ')} {n:,}" for kind, n in labels["kinds"].items())
    return (f"Span label errors ({labels['method']}): {kinds or 'none'} (in "
            f"{labels['flagged']:,} records; {labels['ranked_not_flagged']:,} more "
            "disagreements with the model ranked, not flagged; cleanlab flags "
            f"{labels['flagged_tokens']:,} of {labels['tokens']:,} tokens in "
            f"{labels['baseline_flagged']:,} records)")


def _leakage_line(leakage: dict[str, object]) -> str:
    if not leakage.get("checked"):
        return f"Leakage: not checked ({leakage.get('reason')})"
    rows = leakage["rows"]
    assert isinstance(rows, dict)
    return (f"Leakage in {leakage['release']}: {rows['test']:,} test and "
            f"{rows['validation']:,} validation rows repeat a train row")
