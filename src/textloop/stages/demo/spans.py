"""``textloop demo --task spans``: the span path, end to end, on a user's span file.

A span project is created, the file imported (CoNLL by name or shape, spans JSONL by its
first object, as ``span_file_format`` tells; the labels are taken from the file), released
as ``v1`` with the release's seeded split (one file holds no split of its own), the no-torch
span model trained (``minilm-crf``, on at most ``max_train`` training records, so a large
file still finishes in minutes), evaluated on the test split with its HTML report,
registered as a version and promoted to champion, ready for ``textloop serve``.

There is no built-in span corpus. No package on PyPI was found to ship a named-entity
corpus under a clear permissive license (docs/spans.md, "The demo", lists what was
checked), so without a file the demo stops and says which one to pass and where a public
one is found.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError, NotFoundError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import decode_spans
from textloop.stages.demo.walkthrough import prepare_folder
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, ReadOptions, import_file, span_file_format
from textloop.stages.ingest.formats import detect_format, first_line
from textloop.stages.ingest.source import SPAN_FORMATS
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.stages.train.training import train
from textloop.stages.versions import promote, register_run
from textloop.storage import Store
from textloop.storage.model_versions import version_name
from textloop.types import Jsonable

SPAN_MODEL = "minilm-crf"
"""The default span model: MiniLM's int8 token vectors into a CRF, no torch needed."""
MAX_TRAIN = 3000
"""Training records the demo fits on at most: about two minutes of ``minilm-crf`` on two
CPU cores (2,321 WNUT-17 tweets took 119 s, token vectors included)."""
ACTOR = "demo"
PUBLIC_CORPUS = ("WNUT-17 (CC BY 4.0, tweets with person, location, group, corporation, "
                 "product and creative-work spans): wnut17train.conll from "
                 "https://github.com/leondz/emerging_entities_17")
SPAN_FILES = ("CoNLL (.conll, .iob, .bio, or a .tsv/.txt of token and tag columns) or spans "
              'JSONL ({"text": ..., "spans": [{"start", "end", "label"}]})')
EXAMPLE_CHARS = (20, 200)
"""The length of a text the served-model example prefers: long enough to hold a span in
context, short enough to read in a terminal."""
_HEADLINE = ("entity_micro_f1", "entity_micro_precision", "entity_micro_recall",
             "entity_macro_f1", "partial_micro_f1", "token_accuracy")


@dataclass
class SpanDemoSummary(Jsonable):
    """What the span demo did, with the numbers and paths a user looks at next."""

    project_root: Path
    data_path: Path
    format: str
    reading: dict[str, Any]  # how a token file was read: tag scheme, why, how tokens joined
    rows_read: int
    records_new: int
    rows_skipped: int
    skip_report: Path | None
    labels: list[str]
    release_id: str
    split_sizes: dict[str, int]
    seed: int
    run: str
    model: str
    n_train: int
    max_train: int | None
    val_entity_micro_f1: float | None
    test: dict[str, float]  # the headline scores on the test split
    per_type: dict[str, dict[str, float]]  # f1, precision, recall, support per span type
    errors: dict[str, int]  # mistakes by kind: missed, spurious, wrong type, ...
    report: Path
    model_card: Path | None
    version: str
    promoted: bool
    promotion: dict[str, Any]  # the promotion decision: rules, goal, previous champion
    example: dict[str, Any]  # a POST /v1/extract body, its text taken from the test split
    language: str | None = None
    notes: list[str] = field(default_factory=list)


def run_span_demo(folder: Path, data: Path | None, *, file_format: str | None = None,
                  model: str = SPAN_MODEL, max_train: int | None = MAX_TRAIN,
                  skip_invalid: bool = False, fresh: bool = False,
                  on_step: Callable[[str], None] = lambda _: None,
                  progress: Progress = NULL_PROGRESS) -> SpanDemoSummary:
    """Create a span project in ``folder`` and run it from import to a promoted champion.

    The file is checked before the folder is touched (missing, not span data); an import
    that fails on a bad record removes the project it had just created, so running again
    with ``skip_invalid`` (or a fixed file) needs no ``--fresh``. ``max_train`` None trains
    on the whole train split.
    """
    fmt = _span_format(data, file_format)
    assert data is not None  # _span_format refuses a missing file
    prepare_folder(folder, fresh)
    on_step("Creating the span project")
    project = init_project(folder, task="spans",
                           description=f"Span demo project on {data.name}.")
    on_step(f"Importing {data.name} as {fmt}")
    try:
        with Store.for_project(project) as store:
            imported = import_file(store, project, data, ImportOptions(
                add_labels=True, skip_invalid=skip_invalid, read=ReadOptions(format=fmt)),
                progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # ours, and holding nothing yet
        raise
    with Store.for_project(project) as store:
        on_step("Releasing v1 (a seeded train/validation/test split)")
        release = create_release(store, project, message="demo", progress=progress)
        on_step(f"Training {model}")
        trained = train(store, project, model=model, release=release.id,
                        max_train=max_train, progress=progress)
        on_step(f"Evaluating {trained.run_name} on the test split")
        evaluated = evaluate_run(store, project, trained.run_name, progress=progress)
        on_step(f"Registering and promoting {trained.run_name}")
        registered = register_run(store, project, trained.run_name, actor=ACTOR,
                                  progress=progress)
        version = version_name(registered.version["version"])
        decision = promote(store, project, version, actor=ACTOR)
        test_split = load_release(store, release.id).test
    metrics = evaluated.metrics
    notes = list(trained.notes)
    if not decision.promoted:
        failed = "; ".join(f"{r.rule}: {r.sentence}" for r in decision.rules
                           if r.status == "fail")
        notes.append(f"{version} was registered but not promoted ({failed})")
    return SpanDemoSummary(
        project_root=folder.resolve(), data_path=data, format=imported.format,
        reading=imported.span_reading, rows_read=imported.rows_read,
        records_new=imported.records_new, rows_skipped=imported.rows_skipped,
        skip_report=imported.report_path, labels=list(project.spec.label_names),
        release_id=release.id, split_sizes=dict(release.counts),
        seed=int(release.settings["seed"][0]), run=trained.run_name, model=model,
        n_train=trained.n_train, max_train=max_train,
        val_entity_micro_f1=trained.metrics.get("val/entity_micro_f1"),
        test={key: metrics[key] for key in _HEADLINE if key in metrics},
        per_type={label: {key: row[key] for key in ("f1", "precision", "recall", "support")}
                  for label, row in metrics["per_type"].items()},
        errors=dict(metrics["errors"]["counts"]), report=evaluated.report_html,
        model_card=registered.card_path, version=version, promoted=decision.promoted,
        promotion=decision.to_json(),
        example={"text": example_text(test_split.texts, test_split.labels)},
        language=project.spec.language, notes=notes)


def _span_format(data: Path | None, given: str | None) -> str:
    """The span format ``data`` is read in, or the error saying what to pass instead."""
    if data is None:
        raise InvalidInputError(
            "textloop demo --task spans needs --data: no package on PyPI ships a "
            "named-entity corpus under a clear permissive license for it to fetch (see "
            "docs/spans.md, \"The demo\", for what was checked)",
            hint=f"pass a span file of your own, {SPAN_FILES}: textloop demo --task spans "
                 f"--data train.conll; a public one is {PUBLIC_CORPUS}")
    if not data.exists():
        raise NotFoundError(f"{data}: no such file", hint="check the path given to --data")
    if given is not None:
        if given not in SPAN_FORMATS:
            raise InvalidInputError(f"--format {given!r} is not a span format",
                                    hint=f"use one of: {', '.join(SPAN_FORMATS)}")
        return given
    if data.is_dir():
        raise InvalidInputError(f"{data} is a folder; the span demo reads one span file",
                                hint="pass a file, or --format hf-tokens for a saved dataset "
                                     "folder with tokens and ner_tags")
    found = span_file_format(data)
    if found is None:
        raise InvalidInputError(
            f"{data} holds no spans that the span demo can read: it reads as "
            f"{detect_format(data)} (first line: {first_line(data)[:120]!r}), and the span "
            f"demo needs {SPAN_FILES}",
            hint="pass a span file, or --format doccano / label-studio / hf-tokens for "
                 "those exports; for a file of texts with one label each, run the "
                 f"classification demo: textloop demo --data {data} --text-col COLUMN "
                 "--label-col COLUMN")
    return found


def example_text(texts: list[str], values: list[str]) -> str:
    """A text to send the served model: one holding a span, of a readable length when one
    is (``EXAMPLE_CHARS``), else the shortest holding a span, else the first text.

    Taken from the test split, so the model has not been trained on it.
    """
    with_spans = [text for text, value in zip(texts, values, strict=True)
                  if decode_spans(value)]
    low, high = EXAMPLE_CHARS
    readable = [text for text in with_spans if low <= len(text) <= high]
    if readable:
        return readable[0]
    return min(with_spans, key=len) if with_spans else (texts[0] if texts else "")
