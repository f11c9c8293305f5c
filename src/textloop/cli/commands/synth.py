"""``textloop synth``: synthetic examples for the weakest classes, and the batches they form.

``textloop synth`` makes, gates and stores a batch; ``list``, ``show``, ``evaluate``,
``accept`` and ``reject`` read and decide batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from textloop.cli.choices import one_of
from textloop.cli.console import AsJson, RichProgress, Text, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.processes import current_actor

if TYPE_CHECKING:
    from textloop.stages.synthesize import Comparison, Decided, Evaluation, SynthResult

_EPILOG = """Examples:\n
  textloop synth --evaluate\n
  textloop synth --labels refund --per-class 100 --generator swap\n
  textloop synth list\n
  textloop synth show s2 --status rejected\n
  textloop synth accept s2\n
  textloop synth reject s2 --reason 'too formal'"""

synth_app = typer.Typer(help="Synthetic examples for the weakest classes: make, gate, "
                             "evaluate and decide.")
app.add_typer(synth_app, name="synth",
              help="Generate examples for the weakest classes, gate them, and decide whether "
                   "they join the next release.")


@synth_app.callback(invoke_without_command=True, epilog=_EPILOG)
def synth(
    ctx: typer.Context,
    labels: Annotated[list[str] | None, typer.Option(
        "--labels", "-l", help="Target these classes (repeat the option); default: the "
                               "champion's weakest, else the rarest.")] = None,
    per_class: Annotated[int | None, typer.Option(
        min=1, help="Texts asked for per class (default: synth.per_class).")] = None,
    classes: Annotated[int | None, typer.Option(
        min=1, help="How many target classes (default: synth.classes).")] = None,
    generator: Annotated[str | None, typer.Option(
        help=f"Generator: {one_of('synth')}, or a full name (default: "
             "synth.generator).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the generator.")] = None,
    embeddings: Annotated[bool, typer.Option(
        "--embeddings/--no-embeddings", help="Check paraphrases of real records and measure "
        "diversity with embeddings (needs the MiniLM model).")] = True,
    evaluate: Annotated[bool, typer.Option(
        "--evaluate", help="Then train with and without the batch and decide by the rule "
                           "in synth.evaluate.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Generate examples for the weakest classes, gate them and store the batch (pending)."""
    if ctx.invoked_subcommand is not None:
        return
    from textloop.stages.synthesize import SynthOptions, synthesize

    options = SynthOptions(labels=labels or None, per_class=per_class, classes=classes,
                           generator=generator, seed=seed, embeddings=embeddings,
                           actor=current_actor())
    project = current_project()
    with open_store(project) as store:
        result = synthesize(store, project, options, progress=RichProgress())
        evaluated = _evaluate(store, project, result.batch["id"]) if evaluate else None
    if as_json:
        body: dict[str, Any] = {"batch": result.batch["id"], "counts": result.counts,
                                "targets": [t.to_dict() for t in result.targets],
                                "notes": result.notes}
        if evaluated is not None:
            body["evaluation"] = evaluated[0].to_dict()
        print_json(body)
        return
    print_batch(result)
    if evaluated is not None:
        print_evaluation(*evaluated)


def _evaluate(store: Any, project: Any, batch: str, **kwargs: Any) -> tuple[Evaluation,
                                                                            Decided]:
    from textloop.stages.synthesize import evaluate_batch

    return evaluate_batch(store, project, batch, progress=RichProgress(), **kwargs)


def print_batch(result: SynthResult) -> None:
    batch = result.batch
    table = Table("label", "why", "seeds", "generated", "accepted", "rejected", "diversity",
                  title=f"Batch {batch['id']} from {batch['generator']}")
    reasons = []
    for target in result.targets:
        row = result.counts[target.label]
        diversity = "–" if row["diversity"] is None else f"{row['diversity']:.3f}"
        table.add_row(Text(target.label), Text(target.why), str(row["seeds"]),
                      str(row["generated"]), str(row["accepted"]),
                      str(sum(row["rejected"].values())), diversity)
        if row["rejected"]:
            reasons.append(f"Rejected {target.label}: " + ", ".join(
                f"{reason} {n}" for reason, n in sorted(row["rejected"].items())))
    console.print(table)
    for line in reasons:
        console.print(Text(line))
    console.print(Text(f"Labels checked by: {batch['config'].get('scorer')}"))
    for note in result.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
    console.print(f"Stored batch [bold]{batch['id']}[/] (pending). Next: textloop synth "
                  f"evaluate {batch['id']}, or textloop synth show {batch['id']}")


def print_evaluation(result: Evaluation, decided: Decided) -> None:
    seeds = f"{len(result.comparison.seeds)} seed(s), medians"
    _print_deltas(result.comparison, f"{result.batch_id} on {result.release_id}/test: "
                                     f"{result.model} ({seeds})")
    if result.cross_fit is not None:
        crossed = result.cross_fit
        _print_deltas(crossed.comparison,
                      f"Cross-fitted on {crossed.rows:,} real rows of {result.release_id} "
                      f"({crossed.folds} folds, {len(crossed.comparison.seeds)} seed(s), "
                      "medians): the decision reads these")
    style = "green" if result.decision == "accepted" else "yellow"
    console.print(Text(f"Decision: {result.decision} ({result.reason})", style=style))
    _print_records(decided)


def _print_deltas(comparison: Comparison, title: str) -> None:
    table = Table("label", "F1 without", "F1 with", "delta", title=title)
    rows: list[tuple[str, Mapping[str, float | None]]] = [
        *comparison.per_class.items(), (comparison.metric_name, comparison.macro_f1)]
    for label, entry in rows:
        table.add_row(Text(label), *(_number(entry.get(k)) for k in ("without", "with")),
                      _number(entry.get("delta"), signed=True))
    console.print(table)


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _print_records(decided: Decided) -> None:
    if decided.added:
        console.print(f"{decided.added:,} items join the next release (textloop release).")
    if decided.removed:
        console.print(f"{decided.removed:,} items taken out of the next release.")
    if decided.skipped:
        console.print(Text(f"Items {', '.join(map(str, decided.skipped))} are left out: their "
                           "text is already a record of another origin.", style="yellow"))


@synth_app.command("evaluate", epilog="Example: textloop synth evaluate s2 --seeds 3")
def evaluate_command(
    batch: Annotated[str, typer.Argument(help="Batch id (s2), number, or 'latest'.")
                     ] = "latest",
    release: Annotated[str, typer.Option(help="Release trained and tested on.")] = "latest",
    seeds: Annotated[int | None, typer.Option(
        min=1, help="Trainings per arm (default: synth.evaluate.seeds).")] = None,
    model: Annotated[str | None, typer.Option(
        help="Model trained (default: synth.evaluate.model, else the champion's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Train with and without the batch on the real test split, then accept or hold it back."""
    project = current_project()
    with open_store(project) as store:
        result, decided = _evaluate(store, project, batch, release=release, seeds=seeds,
                                    model=model)
    if as_json:
        print_json({"batch": result.batch_id, **result.to_dict()})
        return
    print_evaluation(result, decided)


@synth_app.command("list", epilog="Example: textloop synth list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the batches as JSON.")] = False,
) -> None:
    """List batches: generator, classes, accepted items, evaluation and decision."""
    from textloop.stages.synthesize import list_batches

    project = current_project()
    with open_store(project) as store:
        batches = list_batches(store)
    if as_json:
        print_json(batches)
        return
    if not batches:
        console.print("No synthetic batches yet. Make one with `textloop synth`.")
        return
    table = Table("batch", "created", "generator", "classes", "generated", "accepted",
                  "score delta", "decision")
    for b in batches:
        counts = b["counts"].values()
        evaluation = b["evaluation"] or {}
        delta = evaluation.get("macro_f1", {}).get("delta")
        # the headline score is macro-F1 for classes, entity micro-F1 for spans
        name = _METRIC_NAMES.get(evaluation.get("metric", "macro_f1"), "macro-F1")
        metric = "" if delta is None else f" ({name})"
        table.add_row(b["id"], _when(b["created_at"]), esc(b["generator"].split(".")[2]),
                      Text(", ".join(b["counts"])), str(sum(c["generated"] for c in counts)),
                      str(sum(c["accepted"] for c in counts)),
                      Text(_number(delta, signed=True) + metric), Text(_decision(b)))
    console.print(table)


_METRIC_NAMES = {"macro_f1": "macro-F1", "entity_micro_f1": "entity micro-F1"}


def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")


def _decision(batch: dict[str, Any], why: bool = False) -> str:
    if batch["decision"] == "pending":
        return "pending"
    said = f"{batch['decision']} by {batch['decided_by']}"
    return f"{said}: {batch['reason']}" if why and batch["reason"] else said


@synth_app.command("show", epilog="Example: textloop synth show s2 --status rejected")
def show(
    batch: Annotated[str, typer.Argument(help="Batch id (s2), number, or 'latest'.")
                     ] = "latest",
    status: Annotated[str, typer.Option(
        help="Items to list: all, accepted or rejected.")] = "all",
    label: Annotated[str | None, typer.Option(help="Only items of this class.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the batch and its items with their full provenance (seed "
                       "records, sampling parameters, scores) as JSON.")] = False,
) -> None:
    """A batch's items with the gate's verdict and reason."""
    from textloop.stages.synthesize import show_batch

    project = current_project()
    with open_store(project) as store:
        view = show_batch(store, batch, status=status, label=label)
    b = view.batch
    if as_json:
        print_json({"batch": b, "items": view.items})
        return
    console.print(Text(f"Batch {b['id']}: {b['generator']}, {view.total:,} items, "
                       f"{_decision(b, why=True)}"))
    table = Table("item", "label", "status", "reason", "text")
    for item in view.items:
        status_cell = item["status"] + (f" → {item['decision']} ({item['decided_by']})"
                                        if item["decision"] else "")
        reason = item["reason"] or ""
        if item["detail"]:
            reason += f": {item['detail']}"
        table.add_row(str(item["n"]), Text(item["label"]), Text(status_cell), Text(reason),
                      Text(item["text"]))
    console.print(table)


_ITEMS = typer.Argument(help="Item numbers (from `textloop synth show`); none: the batch.")


@synth_app.command("accept", epilog="Examples: textloop synth accept s2; "
                                    "textloop synth accept s2 14 15")
def accept(
    batch: Annotated[str, typer.Argument(help="Batch id (s2) or number.")],
    items: Annotated[list[int] | None, _ITEMS] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
    as_json: AsJson = False,
) -> None:
    """Accept a batch into the next release, or accept items the gate rejected."""
    _decide(batch, "accepted", items or [], reason, as_json)


@synth_app.command("reject", epilog="Examples: textloop synth reject s2 --reason 'off "
                                    "tone'; textloop synth reject s2 3 7")
def reject(
    batch: Annotated[str, typer.Argument(help="Batch id (s2) or number.")],
    items: Annotated[list[int] | None, _ITEMS] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
    as_json: AsJson = False,
) -> None:
    """Hold a batch back from releases, or reject some of its items."""
    _decide(batch, "rejected", items or [], reason, as_json)


def _decide(batch: str, decision: str, items: list[int], reason: str | None,
            as_json: bool = False) -> None:
    from textloop.stages.synthesize import decide

    project = current_project()
    who = current_actor()
    with open_store(project) as store:
        done = decide(store, batch, decision, actor=who, reason=reason, items=items)
    if as_json:
        print_json(done.to_dict())
        return
    if items:
        said = f"Items {', '.join(map(str, items))} of {done.batch['id']} {decision}"
    else:
        said = f"Batch {done.batch['id']} {done.batch['decision'].replace('_', ' ')}"
    console.print(Text(f"{said} by {who}."))
    if items and done.batch["decision"] != "accepted":
        console.print(Text(f"Batch {done.batch['id']} is {done.batch['decision']}: its items "
                           "join a release once the batch is accepted "
                           f"(textloop synth accept {done.batch['id']})."))
    _print_records(done)
