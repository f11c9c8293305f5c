"""``textloop train | evaluate | predict``: models on releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from textloop.cli.bands import print_bands, print_calibration, print_span_threshold
from textloop.cli.choices import one_of
from textloop.cli.console import RichProgress, Text, console, esc, print_json
from textloop.cli.context import RUN_HELP, open_project
from textloop.cli.error_analysis import headline, print_error_analysis, span_mistakes
from textloop.cli.inference import print_inference
from textloop.cli.main import app
from textloop.errors import InvalidInputError

# Stage modules import scikit-learn and ONNX Runtime; they load inside the commands so
# that `textloop --help` stays fast.


def _parse_params(items: list[str]) -> dict[str, object]:
    """``--param C=3 --param class_weight=balanced`` into typed values (JSON when it parses)."""
    out: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidInputError(f"--param {item!r} is not KEY=VALUE", hint="e.g. --param C=3")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


@app.command(epilog="Example: textloop train --release v1 --model embed-lr --param C=3")
def train(
    model: Annotated[str | None, typer.Option(
        help=f"{one_of('model')}, or a full name. Default: tfidf-lr, tfidf-ridge for "
             "a regression task; for spans span-rules, or minilm-crf without span "
             "rules.")] = None,
    release: Annotated[str, typer.Option(help="Release id, or 'latest'.")] = "latest",
    param: Annotated[list[str], typer.Option(help="Hyper-parameter KEY=VALUE (repeatable).")
                     ] = [],  # noqa: B006 - typer needs a literal default
    calibration: Annotated[str | None, typer.Option(
        help=f"Calibrator fitted on validation: {one_of('calibration')} "
             "(default: calibration.method in textloop.yaml).")] = None,
    max_train: Annotated[int, typer.Option(
        help="Fit on at most this many training records (the first in id order) to bound "
             "the time on a large release; 0 (default) trains on the whole train split.")
    ] = 0,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the run and its validation metrics as JSON.")] = False,
) -> None:
    """Train a model on a release's train split and record the run.

    The calibrator and the action-band thresholds are fitted on the validation split and
    saved with the model.
    """
    with open_project() as project:
        result = project.train(model=model, release=release, params=_parse_params(param),
                               calibration=calibration, max_train=max_train or None,
                               progress=RichProgress()).training
    assert result is not None  # a run just trained carries what training reported
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"Run [bold]{esc(result.run_name)}[/] ({esc(result.model)}) on "
                  f"{result.release_id}: "
                  f"{result.n_train:,} training rows in {result.seconds:.1f}s")
    for key, value in sorted(result.metrics.items()):
        console.print(f"  {key:<18} {value:.4f}")
    if result.training is not None:
        _print_training(result.training, result.bundle_path)
    if result.calibration_choice:
        console.print(f"Calibration: {esc(result.calibration_choice)}")
    if result.rules_choice:
        console.print(f"Span rules: {esc(result.rules_choice)}")
    print_bands(result.bands, "Action bands on validation", result.notes)
    if not result.bands:  # print_bands says the notes under its table; without one, here
        for note in result.notes:
            console.print(f"[yellow]Note:[/] {esc(note)}")
    console.print(f"Next: textloop evaluate {esc(result.run_name)}")


def _print_training(training: Any, bundle_path: str) -> None:
    """Epochs, early stopping and the verdict sentence with its advice."""
    stopped = (f", stopped early (no {training.monitor} gain)" if training.stopped_early
               else "")
    console.print(f"Trained {training.epochs_run} epochs{stopped}")
    verdict = training.verdict
    colour = "green" if verdict.kind == "healthy" else "yellow"
    console.print(f"Verdict: [bold {colour}]{verdict.kind}[/]: {esc(verdict.sentence)}")
    if verdict.advice:
        console.print(f"Hint: {esc(verdict.advice)}")
    console.print(f"Curves: tensorboard --logdir {esc(str(Path(bundle_path).parent))}")


@app.command(epilog="Examples:\n\n  textloop evaluate tfidf-lr-1 --split test\n\n"
                     "  textloop evaluate embed-lr-2 --compare-embedders")
def evaluate(
    run: Annotated[str, typer.Argument(help=RUN_HELP)],
    split: Annotated[str, typer.Option(help="Release split to evaluate on.")] = "test",
    probes: Annotated[bool, typer.Option(
        "--probes/--no-probes", help="Re-score up to 1,000 rows with typos, case and "
                                     "punctuation changes (robustness).")] = True,
    compare_embedders: Annotated[bool, typer.Option(
        help="Also score and time the head on each embedder variant (fp32, int8, int8 "
             "truncated): embed-lr and embed-mlp runs.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the metrics and file paths as JSON.")] = False,
) -> None:
    """Score a run on a release split; write an HTML report and a JSON file."""
    with open_project() as opened:
        project = opened.config
        result = opened.evaluate(run, split=split, probes=probes,
                                 compare_embedders=compare_embedders, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    m = result.metrics
    console.print(f"[bold]{esc(result.run_name)}[/] on {esc(split)}: {headline(m)} "
                  f"(n={m['n']:,})")
    if m.get("errors"):  # a span run: its mistakes by kind
        console.print(f"Mistakes: {span_mistakes(m['errors']['counts'])}")
    if result.goal_met is not None:
        goal = project.spec.goal
        verdict = "[green]met[/]" if result.goal_met else "[red]not met[/]"
        op = ">=" if goal.higher_is_better else "<="
        console.print(f"Goal {goal.metric} {op} {goal.target}: {verdict}")
    if m.get("calibration"):
        print_calibration(m["calibration"])
    if m.get("span_rules_choice"):  # a learned span model that kept or dropped the rules
        console.print(f"Span rules: {esc(m['span_rules_choice']['reason'])}")
    if m.get("span_calibration"):  # a span run: ECE of its span scores
        print_calibration(m["span_calibration"], "Span calibration")
    for row in (m.get("span_thresholds") or {}).get("types", []):
        print_span_threshold(row, split)
    if m.get("bands"):
        print_bands(m["bands"]["bands"], f"Action bands on {split}")
    print_error_analysis(m, project.spec.goal.metric)
    if m.get("inference"):
        print_inference(m["inference"])
    console.print(f"Report: {esc(str(result.report_html))}\n"
                  f"JSON:   {esc(str(result.metrics_json))}")


@app.command(epilog='Examples:\n\n  textloop predict latest "WIN a FREE phone, text now"\n\n'
                    '  textloop predict champion "WIN a FREE phone, text now"\n\n'
                    '  textloop predict champion --input comments.csv --output scored.parquet'
                    '\n\n  textloop predict m3 --input day.jsonl --output day.csv --log '
                    '--executor ray')
def predict(
    run: Annotated[str, typer.Argument(help=RUN_HELP)],
    texts: Annotated[list[str] | None, typer.Argument(
        help="One or more texts to classify (or --input FILE).")] = None,
    input: Annotated[Path | None, typer.Option(
        "--input", help="A CSV, TSV, JSON Lines or Parquet file: every row is predicted, "
                        "streamed in bounded memory.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Where the predictions go (with --input): .csv, .tsv, .jsonl or "
                         ".parquet. Written whole or not at all.")] = None,
    format: Annotated[str | None, typer.Option(
        help="The input's format when its name does not say (csv, tsv, jsonl, parquet)."
    )] = None,
    output_format: Annotated[str | None, typer.Option(
        help="The output's format when its name does not say.")] = None,
    text_col: Annotated[str | None, typer.Option(
        "--text-col", "--text-field",
        help="The input column holding the text (default: text_field in textloop.yaml)."
    )] = None,
    id_col: Annotated[str | None, typer.Option(
        "--id-col", help="The input column copied to each output row as its key (default: "
                         "an 'id' column when there is one, else the row number).")] = None,
    encoding: Annotated[str, typer.Option(help="The input's text encoding.")] = "utf-8",
    log: Annotated[bool, typer.Option(
        "--log", help="Also write each row to the prediction log, which `textloop "
                      "monitor` reads (as `textloop serve` does).")] = False,
    executor: Annotated[str | None, typer.Option(
        "--executor", help="Where the scoring runs: local or ray (default: execution.engine "
                           "in textloop.yaml; ray when RAY_ADDRESS is set).")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Ray actors scoring at once (default: execution.workers, else one per "
                    "CPU of the cluster).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print a JSON list with one prediction per text (with --input: "
                       "the job's summary).")] = False,
) -> None:
    """Print label, calibrated probabilities and action band for each text, or predict
    every row of a file (--input, --output)."""
    if input is not None or output is not None:
        _predict_file(run, texts, input, output, format=format, output_format=output_format,
                      text_col=text_col, id_col=id_col, encoding=encoding, log=log,
                      executor=executor, workers=workers, as_json=as_json)
        return
    if not texts:
        raise InvalidInputError("nothing to predict: give one or more texts, or --input FILE "
                                "--output FILE", hint='e.g. textloop predict latest "win a '
                                'free phone now"')
    with open_project() as project:
        predictions = list(project.predict(run, texts))
    if as_json:
        print_json([p.to_dict() for p in predictions])
        return
    if predictions[0].value is not None:
        _print_values(predictions)
        return
    table = Table("text", "label", "band", "score", "probabilities",
                  title=Text(predictions[0].model))
    for p in predictions:
        top = sorted(p.probabilities.items(), key=lambda kv: -kv[1])[:3]
        table.add_row(Text(p.text[:60]), Text(p.label), Text(p.band), f"{p.score:.3f}",
                      Text(", ".join(f"{k} {v:.3f}" for k, v in top)))
    console.print(table)


def _predict_file(run: str, texts: list[str] | None, input: Path | None,
                  output: Path | None, *, as_json: bool, **options: Any) -> None:
    """``predict --input FILE --output FILE``: the job with a progress bar, then its
    summary."""
    if texts:
        raise InvalidInputError("give texts or --input, not both",
                                hint="put the texts in a file, or leave out --input")
    if input is None or output is None:
        missing = "--output" if output is None else "--input"
        raise InvalidInputError(f"{missing} is missing: a file prediction needs both "
                                "--input and --output",
                                hint="e.g. textloop predict champion --input comments.csv "
                                     "--output scored.csv")
    with open_project() as project:
        done = project.predict_file(run, input, output, progress=RichProgress(), **options)
    if as_json:
        print_json(done.to_dict())
        return
    version = f" ({esc(done.version)})" if done.version else ""
    console.print(f"Predicted {done.rows:,} rows of {esc(done.input)} with "
                  f"[bold]{esc(done.run)}[/]{version} in {done.seconds:.1f}s "
                  f"({done.rows_per_second:,.0f} rows/s, {esc(done.executor)}, "
                  f"{done.workers} worker{'s' if done.workers != 1 else ''})")
    console.print(f"Output: {esc(done.output)}")
    if done.log_request_id:
        console.print(f"Logged {done.logged:,} rows to the prediction log (request "
                      f"{esc(done.log_request_id)})")


def _print_values(predictions: list[Any]) -> None:
    """A regression model's numbers as a table."""
    table = Table("text", "value", title=Text(predictions[0].model))
    for p in predictions:
        table.add_row(Text(p.text[:60]), f"{p.value:.4g}")
    console.print(table)
