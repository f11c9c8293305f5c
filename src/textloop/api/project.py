"""``textloop.init_project``, ``textloop.open_project`` and ``Project``: the loop from Python.

Each ``Project`` method makes the call the CLI command of the same name makes, with the same
defaults (those the CLI derives from textloop.yaml included), so a script and a shell session
on one project give the same runs, releases and numbers. The methods take keyword arguments
named after the CLI options and return the stage's own typed result where it has one
(``textloop.api.results`` otherwise); every result has ``to_dict()``.

Stage modules are imported inside the methods: opening a project loads the store, training
loads scikit-learn, and ``import textloop`` loads neither.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textloop.api.results import ModelVersion, Predictions, Rollback, Run
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress

if TYPE_CHECKING:  # annotations only: each loads its stage when the method runs
    from textloop import config
    from textloop.executors import Executor
    from textloop.stages.active_learn import SuggestResult
    from textloop.stages.active_learn.production import ProductionSuggestResult
    from textloop.stages.clean import CleanResult
    from textloop.stages.evaluate.evaluation import EvaluationResult
    from textloop.stages.export import ReleaseExport
    from textloop.stages.ingest import ImportResult
    from textloop.stages.label import PreannotateResult
    from textloop.stages.monitor import MonitorResult
    from textloop.stages.predict import BatchPrediction
    from textloop.stages.project import ProjectStatus
    from textloop.stages.publish import PublishResult
    from textloop.stages.release import ReleaseInfo, ReleaseSummary
    from textloop.stages.runs import RunRow
    from textloop.stages.synthesize import Evaluation, SynthResult
    from textloop.stages.versions import PromotionDecision
    from textloop.stages.versions.register import Lineage, Registered
    from textloop.storage import Store

log = logging.getLogger("textloop")

RunRef = Run | str
"""A run: a ``Run``, or any name the CLI accepts (``tfidf-lr-3``, ``latest``, ``m3``,
``champion``; see ``textloop.storage.refs``)."""
Time = float | datetime | None
"""A point in time: UNIX seconds or a ``datetime`` (naive means local time, as the CLI)."""


def init_project(path: str | Path, *, labels: Mapping[str, str] | Sequence[str] | str = (),
                 score_labels: Sequence[str] = (), task: str = "classification",
                 language: str | None = None, text_field: str = "text",
                 metadata_fields: Sequence[str] = (), goal_metric: str | None = None,
                 goal_target: float | None = None, target: str = "",
                 description: str = "") -> Project:
    """Create a project folder (textloop.yaml and an empty store), as ``textloop init``.

    ``labels`` is ``{name: description}`` (the descriptions are the labeling guideline), a
    list of names, or the CLI's text form (``"spam=Unwanted ads;ham=Anything else"``).
    ``score_labels`` makes a content filter: their probability drives block/review/allow.
    ``goal_metric``/``goal_target`` default to the task's goal (macro_f1 >= 0.9; regression:
    r2 >= 0.5); ``target`` is a regression target such as ``"rating:1:5"``. ``language`` (a
    BCP 47 tag) is otherwise detected at the first import. Refuses an existing project.
    """
    from textloop.config import Label
    from textloop.stages.project import goal_from, parse_labels, parse_target
    from textloop.stages.project import init_project as create

    if isinstance(labels, str):
        parsed = parse_labels(labels)
    elif isinstance(labels, Mapping):
        parsed = [Label(name=name, description=text) for name, text in labels.items()]
    else:
        parsed = [Label(name=name) for name in labels]
    created = create(Path(path), labels=parsed, text_field=text_field,
                     metadata_fields=list(metadata_fields),
                     goal=goal_from(goal_metric, goal_target, task), description=description,
                     task=task, target=parse_target(target), language=language,
                     score_labels=list(score_labels))
    return Project(created)


def open_project(path: str | Path | None = None) -> Project:
    """The project in ``path`` or its nearest parent with textloop.yaml (like git); with no
    path, from ``$TEXTLOOP_PROJECT`` or the current folder, as the CLI finds it."""
    from textloop.config import find_project

    return Project(find_project(None if path is None else Path(path)))


class Project:
    """A textloop project: each method is one verb of the loop (``textloop VERB``).

    The store opens on first use, after settling what a killed command left behind (as
    every CLI command does; what was settled is logged on the ``textloop`` logger). Close it
    with ``close()`` or use the project as a context manager.
    """

    def __init__(self, config: config.Project, store: Store | None = None) -> None:
        self.config = config
        """The parsed textloop.yaml and the folder (``textloop.config.Project``)."""
        self._store: Store | None = store
        """Opened on first use; the CLI passes the store it opened and recovered itself,
        having said what was settled on stderr."""

    # -- the project and its store --------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def name(self) -> str:
        return self.config.spec.name

    @property
    def labels(self) -> list[str]:
        """The label names in textloop.yaml (an import with ``add_labels`` extends them)."""
        return [label.name for label in self.config.spec.labels]

    @property
    def store(self) -> Store:
        """The project's store, opened (and recovered) on first use."""
        if self._store is None:
            from textloop.stages.runs import open_recovered

            store, notes = open_recovered(self.config)
            for note in notes:
                log.warning("%s", note)
            self._store = store
        return self._store

    def close(self) -> None:
        """Close the store; the next method call opens it again."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<textloop.Project {self.name!r} at {str(self.root)!r}>"

    # -- data ---------------------------------------------------------------------------

    def import_file(self, path: str | Path, *, text_col: str | None = None,
                    label_col: str | None = None, meta_cols: Sequence[str] | str | None = None,
                    id_col: str | None = None, label_map: Mapping[str, str] | None = None,
                    skip_invalid: bool = False, add_labels: bool = False, labels: bool = True,
                    format: str | None = None, encoding: str = "utf-8", header: bool = True,
                    quoting: str | None = None, max_chars: int | None = None,
                    unescape_html: bool = False, tag_col: int = -1, scheme: str | None = None,
                    tag_names: Sequence[str] | str | None = None, license: str = "unknown",
                    redistribute: bool = True, split: str | None = None,
                    split_col: str | None = None,
                    progress: Progress = NULL_PROGRESS) -> ImportResult:
        """Import a file (``textloop import``): CSV, TSV, JSONL, JSON, Parquet or a saved
        Hugging Face dataset folder, or in a span project a span file (``format`` conll,
        spans-jsonl, doccano, label-studio, hf-tokens; ``tag_col``, ``scheme`` and
        ``tag_names`` as on the CLI, docs/spans.md: ``tag_names`` is a list, or a string of
        names separated by commas or the path of a file listing them, which integer
        hf-tokens tags index); records deduplicated by content, labels stored as
        ``import`` annotations. The whole file goes in or nothing does, unless
        ``skip_invalid`` (then a report lists the skipped lines).

        ``meta_cols`` is a list of columns, or ``"*"`` (or ``"a,b"``) as on the CLI;
        ``label_map`` renames label values (``{"0": "negative"}``); ``add_labels`` adds
        labels not yet in textloop.yaml instead of failing; ``labels=False`` stores the
        texts only, unlabeled, even from a span file; ``max_chars`` defaults to the CLI's
        limit (``textloop.stages.ingest.DEFAULT_MAX_CHARS``). ``license`` (an SPDX id) and
        ``redistribute`` are recorded with the import for ``textloop publish``'s gate.
        ``split`` (train, validation or test) pins every record of the file to that split
        of every release, e.g. a corpus's official test set, so runs trained on different
        releases are scored on the same rows; ``split_col`` names a column holding each
        row's split instead (docs/releases.md).
        """
        from textloop.stages.ingest import (
            DEFAULT_MAX_CHARS,
            ImportOptions,
            ReadOptions,
            import_file,
        )

        if isinstance(meta_cols, str):
            meta_cols = meta_cols.split(",")
        names = None
        if tag_names is not None:
            from textloop.spans.hf import tag_names as read_tag_names

            names = read_tag_names(tag_names)
        options = ImportOptions(
            text_col=text_col, label_col=label_col,
            meta_cols=None if meta_cols is None else [c.strip() for c in meta_cols if c.strip()],
            id_col=id_col, label_map=dict(label_map or {}), skip_invalid=skip_invalid,
            add_labels=add_labels, labels=labels,
            max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars,
            unescape_html=unescape_html, license=license, redistribute=redistribute,
            split=split, split_col=split_col,
            read=ReadOptions(format=format, encoding=encoding, header=header, quoting=quoting,
                             tag_col=tag_col, scheme=scheme, tag_names=names))
        return import_file(self.store, self.config, Path(path), options, progress)

    def export_release(self, release: str = "latest", *, format: str, out: str | Path,
                       scheme: str = "IOB2", tokenizer: str = "auto",
                       progress: Progress = NULL_PROGRESS) -> ReleaseExport:
        """Write a release's splits as ``format`` files in the new folder ``out``, with the
        card, ``dataset.yaml`` and a manifest (``textloop export release``): jsonl, csv,
        parquet, hf or tfrecord, and for a span release conll, jsonl, doccano, label-studio,
        hf, parquet or csv; span token formats report their ``tokenizer`` and the spans
        ``widened`` to token boundaries."""
        from textloop.stages.export import export_release

        return export_release(self.store, release, format, Path(out), scheme=scheme,
                              tokenizer=tokenizer, progress=progress)

    def publish_release(self, release: str = "latest", *, to: str, dry_run: bool = False,
                        allow_pii: str | None = None, public: bool = False,
                        endpoint: str | None = None) -> PublishResult:
        """Publish a release (``textloop publish release``) to ``to``: a folder,
        ``hf://OWNER/NAME`` (private unless ``public``; ``endpoint`` overrides the Hub's
        address, else ``HF_ENDPOINT``) or ``git+file:///...``, behind the license and
        privacy gate (docs/publishing.md). ``dry_run`` lists the files and sends nothing."""
        from textloop.stages.publish import parse_target, publish_release

        target = parse_target(to, public=public, endpoint=endpoint)
        return publish_release(self.store, self.config, release, target, dry_run=dry_run,
                               allow_pii=allow_pii)

    def publish_model(self, version: str, *, to: str, dry_run: bool = False,
                      public: bool = False, endpoint: str | None = None) -> PublishResult:
        """Publish a model version (``textloop publish model``) to a folder or
        ``hf://OWNER/NAME`` as files that run without textloop (ONNX encoder, tokenizer,
        head, calibrator, bands, card and ``predict.py``; docs/publishing.md)."""
        from textloop.stages.publish import parse_target, publish_model

        target = parse_target(to, repo_type="model", public=public, endpoint=endpoint)
        return publish_model(self.store, self.config, version, target, dry_run=dry_run)

    def release(self, *, group_col: str | None = None, seed: int | None = None,
                message: str = "", progress: Progress = NULL_PROGRESS) -> ReleaseInfo:
        """Freeze the labeled records into an immutable version vN (``textloop release``).

        ``group_col`` keeps the rows of one metadata value in one split (``"none"`` drops
        the parent release's); it and ``seed`` default to the parent release's, else to
        ``release.group_field`` / ``release.seed`` in textloop.yaml.
        """
        from textloop.stages.release import create_release

        return create_release(self.store, self.config, group_field=group_col, seed=seed,
                              message=message, progress=progress)

    def suggest(self, *, strategy: str | None = None, batch: int | None = None,
                overlap: int | None = None, seed: int = 0, source: str = "pool",
                window: int | None = None, since: Time = None,
                executor: Executor | str | None = None, progress: Progress = NULL_PROGRESS
                ) -> SuggestResult | ProductionSuggestResult:
        """Queue the records worth labeling next (``textloop suggest``).

        ``source="pool"`` picks unlabeled records with ``strategy`` (default:
        ``labeling.strategy``); ``source="production"`` picks disputed, drifted and uncertain
        rows of the prediction log (the latest ``window`` rows, default
        ``monitoring.window``, or those logged ``since``). ``batch`` and ``overlap`` default
        to ``labeling.batch`` / ``labeling.overlap``. ``executor`` (``local``, ``ray`` or an
        ``Executor``; default: ``execution:`` in textloop.yaml, or ``RAY_ADDRESS``) embeds
        the pool and scores it for strategies that score items one by one.
        """
        from textloop.stages import active_learn

        if source == "production":
            return active_learn.suggest_from_production(
                self.store, self.config, last=window, since=_seconds(since, "since"),
                batch=batch, overlap=overlap)
        if source != "pool":
            raise InvalidInputError(f"source {source!r} is not a source",
                                    hint="use source='pool' (default) or source='production'")
        return active_learn.suggest(self.store, self.config, strategy=strategy, batch=batch,
                                    overlap=overlap, seed=seed, executor=executor,
                                    progress=progress)

    def preannotate(self, *, source: str | None = None, run: str | None = None,
                    limit: int | None = None,
                    progress: Progress = NULL_PROGRESS) -> PreannotateResult:
        """Suggest spans for the records waiting in the labeling queue (the first
        ``limit``), ahead of labeling (``textloop preannotate``): ``source="llm"`` asks the
        LLM of ``labeling.suggest_llm`` (cached per text, model and prompt version),
        ``source="model"`` predicts with the span run ``run`` or the current model (the
        champion, else the latest finished run; cached per text and run). Without
        ``source``: the LLM where one is configured and no ``run`` is named, else the
        model. A second call asks only about new records. Span projects only."""
        from textloop.stages.label import preannotate

        return preannotate(self.store, self.config, source=source, run=run, limit=limit,
                           progress=progress)

    def clean(self, *, models: Sequence[str] | None = None, method: str = "views-knn",
              folds: int = 5, tuned_folds: int = 3, budget_minutes: float | None = None,
              seed: int = 0, near_threshold: float = 0.7,
              semantic_threshold: float = 0.95, embeddings: bool = True,
              release: str = "latest", leakage: bool = True, max_chars: int = 2000,
              redact: bool = False, min_precision: float | None = None,
              executor: Executor | str | None = None,
              progress: Progress = NULL_PROGRESS) -> CleanResult:
        """Find label issues, duplicates, conflicts, outliers, bad texts, personal data and
        leakage (``textloop clean``); the findings are stored for review.

        ``models`` give the out-of-fold views, the first the main one (default: embed-lr and
        tfidf-lr, or tfidf-lr alone with ``embeddings=False``, which needs no MiniLM model;
        for a span project ``minilm-crf``, a model that tags tokens). ``finetune`` adds a
        fine-tuned encoder view on ``tuned_folds`` folds, skipped with a warning when its
        estimated time exceeds ``budget_minutes``.
        ``redact`` also writes a release with personal data replaced by placeholders.
        ``min_precision`` flags only the label issues whose estimated precision reaches it
        (default: ``clean.min_precision`` in textloop.yaml, else the method's flags).
        ``executor`` runs the cross-validation folds: ``local``, ``ray`` or an ``Executor``
        (default: ``execution:`` in textloop.yaml, or ``RAY_ADDRESS``).
        """
        from textloop.stages.clean import CleanOptions, clean

        options = CleanOptions(
            models=tuple(models or ()), method=method, folds=folds, tuned_folds=tuned_folds,
            budget_minutes=budget_minutes, seed=seed,
            near_threshold=near_threshold, semantic_threshold=semantic_threshold,
            use_embeddings=embeddings, max_chars=max_chars, release=release if leakage else None,
            min_precision=min_precision)
        return clean(self.store, self.config, options, redact=redact, executor=executor,
                     progress=progress)

    def synth(self, *, labels: Sequence[str] | None = None, per_class: int | None = None,
              classes: int | None = None, generator: str | None = None, seed: int | None = None,
              embeddings: bool = True, actor: str | None = None,
              progress: Progress = NULL_PROGRESS) -> SynthResult:
        """Generate examples for the weakest classes, gate them and store the batch, pending
        (``textloop synth``). Defaults come from ``synth:`` in textloop.yaml; the targets
        are the champion's weakest classes, else the rarest. ``evaluate_synth`` then
        decides whether the batch joins the next release (``textloop synth --evaluate``).
        """
        from textloop.processes import current_actor
        from textloop.stages.synthesize import SynthOptions, synthesize

        options = SynthOptions(labels=list(labels) if labels else None, per_class=per_class,
                               classes=classes, generator=generator, seed=seed,
                               embeddings=embeddings, actor=actor or current_actor())
        return synthesize(self.store, self.config, options, progress=progress)

    def evaluate_synth(self, batch: str = "latest", *, release: str = "latest",
                       seeds: int | None = None, model: str | None = None,
                       progress: Progress = NULL_PROGRESS) -> Evaluation:
        """Train with and without a synthetic batch on the real test split, then accept or
        hold it back by the rule in ``synth.evaluate`` (``textloop synth evaluate``)."""
        from textloop.stages.synthesize import evaluate_batch

        return evaluate_batch(self.store, self.config, batch, release=release, seeds=seeds,
                              model=model, progress=progress)[0]

    # -- models -------------------------------------------------------------------------

    def train(self, *, model: str | None = None, release: str = "latest",
              params: Mapping[str, Any] | None = None, calibration: str | None = None,
              max_train: int | None = None, progress: Progress = NULL_PROGRESS) -> Run:
        """Train a model on a release's train split and record the run (``textloop train``).

        ``model`` is tfidf-lr (default; regression: tfidf-ridge), embed-lr, embed-mlp ... or
        a full name; ``params`` its hyper-parameters (``{"C": 3}``); ``calibration``
        (temperature, isotonic or none) defaults to ``calibration.method``. The calibrator
        and the action-band thresholds are fitted on the validation split. ``max_train``
        fits on at most that many training records (the first in id order), to bound the
        time on a large release; the run's notes say how many were left out.
        """
        from textloop.stages.train import train

        result = train(self.store, self.config, model=model, release=release,
                       params=dict(params or {}), calibration=calibration,
                       max_train=max_train, progress=progress)
        return Run.from_row(self._run_row(result.run_id), training=result)

    def evaluate(self, run: RunRef = "latest", *, split: str = "test", probes: bool = True,
                 compare_embedders: bool = False,
                 progress: Progress = NULL_PROGRESS) -> EvaluationResult:
        """Score a run on a release split, write the HTML report and the metrics JSON
        (``textloop evaluate``). ``probes=False`` skips the robustness probes;
        ``compare_embedders`` also times the head on each embedder variant."""
        from textloop.stages.evaluate import evaluate_run

        return evaluate_run(self.store, self.config, _name(run), split=split, probes=probes,
                            compare_embedders=compare_embedders, progress=progress)

    def predict(self, run: RunRef, texts: str | Sequence[str]) -> Predictions:
        """Label, calibrated probabilities and action band for each text
        (``textloop predict``); a regression model gives ``value`` instead."""
        from textloop.stages.predict import predict

        found = predict(self.store, _name(run), [texts] if isinstance(texts, str) else texts)
        return Predictions(run=found[0].model, items=tuple(found))

    def predict_file(self, run: RunRef, input: str | Path, output: str | Path, *,
                     format: str | None = None, output_format: str | None = None,
                     text_col: str | None = None, id_col: str | None = None,
                     encoding: str = "utf-8", log: bool = False, executor: str | None = None,
                     address: str | None = None, workers: int | None = None,
                     progress: Progress = NULL_PROGRESS) -> BatchPrediction:
        """Score every row of a CSV, TSV, JSON Lines or Parquet file and write the answers
        to ``output`` (``textloop predict RUN --input FILE --output FILE``), in bounded
        memory; the output appears only once the whole file is scored. ``executor``
        (``local`` or ``ray``; default ``execution.engine``, or ``ray`` when
        ``RAY_ADDRESS`` is set) decides where the scoring runs; ``log`` writes each row to
        the prediction log, which ``monitor`` reads."""
        from textloop.executors import executor_for
        from textloop.stages.predict import predict_file

        chosen = executor_for(executor, self.config.spec.execution, address=address,
                              workers=workers)
        try:
            return predict_file(self.store, self.config, _name(run), Path(input), Path(output),
                                input_format=format, output_format=output_format,
                                text_col=text_col, id_col=id_col, encoding=encoding, log=log,
                                executor=chosen, progress=progress)
        finally:
            chosen.close()

    def run(self, run: RunRef = "latest") -> Run:
        """One run by any name the CLI accepts, with its params and latest metrics."""
        from textloop.storage.refs import resolve_run

        with self.store.read() as conn:
            return Run.from_row(resolve_run(conn, _name(run)))

    def runs(self, *, release: str | None = None, sort: str | None = None) -> list[RunRow]:
        """Runs side by side (``textloop runs``): only those on ``release``, or best first by
        ``sort`` (a metric such as ``val/macro_f1``, or ``duration``)."""
        from textloop.stages.runs import run_rows

        return run_rows(self.store, release=release, sort=sort)

    # -- the registry -------------------------------------------------------------------

    def register(self, run: RunRef, *, actor: str | None = None,
                 progress: Progress = NULL_PROGRESS) -> Registered:
        """Register a run as the next model version and make it the challenger
        (``textloop register``); it is evaluated on test first when it never was.
        ``actor`` (recorded in the alias history) defaults to ``$TEXTLOOP_USER`` or the
        login name, as on the CLI."""
        from textloop.processes import current_actor
        from textloop.stages.versions import register_run

        return register_run(self.store, self.config, _name(run),
                            actor=actor or current_actor(), progress=progress)

    def promote(self, version: RunRef, *, force: bool = False, reason: str | None = None,
                actor: str | None = None, check: bool = True) -> PromotionDecision:
        """Make a version champion if the promotion policy in textloop.yaml holds
        (``textloop promote``). A refusal raises ``ConflictError`` naming the failed rules,
        as the CLI exits 4; with ``check=False`` the refused decision is returned instead.
        ``force`` overrides failed rules and needs a ``reason``."""
        from textloop.processes import current_actor
        from textloop.stages.versions import promote

        decision = promote(self.store, self.config, _name(version),
                           actor=actor or current_actor(), force=force, reason=reason)
        if check and not decision.promoted:
            raise decision.refusal()
        return decision

    def rollback(self, *, reason: str | None = None, actor: str | None = None) -> Rollback:
        """Make the previous champion the champion again (``textloop rollback``)."""
        from textloop.processes import current_actor
        from textloop.stages.versions import rollback
        from textloop.storage.model_versions import version_name

        before, after = rollback(self.store, actor=actor or current_actor(), reason=reason)
        return Rollback(previous=version_name(before), champion=version_name(after))

    def versions(self) -> list[ModelVersion]:
        """Model versions with their run, release, test metrics and aliases
        (``textloop versions``)."""
        from textloop.stages.versions import list_versions

        return [ModelVersion.from_row(row) for row in list_versions(self.store)]

    def lineage(self, version: RunRef, *, ids: bool = False) -> Lineage:
        """Trace a version to its run, its release and (``ids``) the release's row ids
        (``textloop lineage``)."""
        from textloop.stages.versions import lineage

        return lineage(self.store, _name(version), with_ids=ids)

    # -- production and overview --------------------------------------------------------

    def monitor(self, *, model: RunRef = "champion", window: int | None = None,
                since: Time = None, until: Time = None, reference: str | None = None,
                seed: int = 0, progress: Progress = NULL_PROGRESS) -> MonitorResult:
        """Input drift, prediction drift and performance of logged production traffic
        against the release the model was trained on (``textloop monitor``). The window is
        the latest ``window`` predictions (default ``monitoring.window``) or those logged
        between ``since`` and ``until``; ``reference`` is a split (default
        ``monitoring.reference_split``)."""
        from textloop.stages.monitor import MonitorOptions, monitor

        if reference is not None and reference not in ("train", "validation", "test"):
            raise InvalidInputError(f"reference {reference!r} is not a split",
                                    hint="use train, validation or test")
        options = MonitorOptions(model=_name(model), window=window,
                                 since=_seconds(since, "since"), until=_seconds(until, "until"),
                                 reference_split=reference, seed=seed)
        return monitor(self.store, self.config, options, progress=progress)

    def status(self) -> ProjectStatus:
        """The project at a glance (``textloop status``): records, labels per class,
        labeling queue, releases, runs and scores."""
        from textloop.stages.project import project_status

        return project_status(self.store, self.config)

    def releases(self) -> list[ReleaseSummary]:
        """Releases: id, when, rows, parent and what changed (``textloop releases``)."""
        from textloop.stages.release import list_releases

        return list_releases(self.store)

    def _run_row(self, ref: str) -> dict[str, Any]:
        from textloop.storage import runs

        with self.store.read() as conn:
            return runs.get(conn, ref)


def _name(run: RunRef) -> str:
    """The name the stages resolve (``textloop.storage.refs``) for a run argument."""
    if isinstance(run, Run):
        return run.name
    if isinstance(run, str) and run.strip():
        return run
    raise InvalidInputError(f"{run!r} does not name a run",
                            hint="pass a Run, or a name such as 'tfidf-lr-1', 'latest', 'm3' "
                                 "or 'champion'")


def _seconds(value: Time, what: str) -> float | None:
    """UNIX seconds for a time argument (None stays None)."""
    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    raise InvalidInputError(f"{what}={value!r} is not a time",
                            hint="pass UNIX seconds or a datetime.datetime")
