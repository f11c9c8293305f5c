"""``textloop export mlflow``: copy runs from the project's catalog into an MLflow tracking store.

textloop keeps its own catalog (``storage/runs.py``, ``storage/model_versions.py``) with MLflow's
names, so the copy is one to one: params, every metric value with its step and timestamp,
start and end time, status, tags naming the release and the model, the evaluation folders
(report, ``metrics.json``, model card) as artifacts, and optionally the registered versions
with their aliases.

An export can be repeated: each MLflow run carries the tag ``textloop.run_id`` and is looked
up by it, so a second export updates the same MLflow run (adding only metric values it lacks,
say from a later ``textloop evaluate``) instead of creating another. MLflow is imported only
here and only when called: it is an optional extra (``mlflow-skinny``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import ExternalServiceError, InvalidInputError, MissingExtraError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.storage import Store, model_versions, runs
from textloop.storage.refs import resolve_run
from textloop.types import Jsonable

RUN_ID_TAG = "textloop.run_id"
VERSION_TAG = "textloop.version"
MODEL_ARTIFACTS = "model"
MLFLOW_STATUS = {runs.FINISHED: "FINISHED", runs.FAILED: "FAILED", runs.INTERRUPTED: "KILLED"}
"""textloop's run statuses in MLflow's words (an interrupted run was killed)."""
"""Artifact folder of a registered run's bundle; its version's ``source`` points there."""


@dataclass
class ExportedRun:
    name: str
    mlflow_run_id: str
    created: bool
    """False when the run was exported before and only updated."""
    metrics_added: int
    artifacts: list[str] = field(default_factory=list)


@dataclass
class ExportedVersion:
    version: int
    mlflow_version: str
    created: bool
    aliases: list[str] = field(default_factory=list)


@dataclass
class MlflowExport(Jsonable):
    tracking_uri: str
    experiment: str
    experiment_id: str
    runs: list[ExportedRun]
    registered_model: str | None = None
    versions: list[ExportedVersion] = field(default_factory=list)


def _mlflow() -> Any:
    """The ``mlflow`` package; ``MissingExtraError`` without the extra."""
    try:
        import mlflow.exceptions
        import mlflow.tracking
    except ImportError as exc:
        raise MissingExtraError("mlflow-skinny", "mlflow", "Exporting runs to MLflow") from exc
    return mlflow


def mlflow_client(tracking_uri: str) -> Any:
    """An ``MlflowClient`` for ``tracking_uri``."""
    return _mlflow().tracking.MlflowClient(tracking_uri=tracking_uri)


def export_to_mlflow(store: Store, project: Project, run_refs: Sequence[str] = (), *,
                     tracking_uri: str, experiment: str | None = None,
                     artifact_location: str | None = None, registered_model: str | None = None,
                     progress: Progress = NULL_PROGRESS) -> MlflowExport:
    """Copy the named runs (all runs when none are named) into ``experiment``.

    ``experiment`` defaults to the project's name and is created when missing (its artifacts
    under ``artifact_location``, else the tracking server's default). With
    ``registered_model``, runs registered as versions become versions of that MLflow model,
    their bundle logged as the ``model`` artifact, and textloop's aliases are set on them.
    """
    if not tracking_uri:
        raise InvalidInputError("no MLflow tracking URI given",
                                hint="pass --tracking-uri (e.g. sqlite:///mlflow.db or "
                                     "http://localhost:5000) or set MLFLOW_TRACKING_URI")
    selected, state = _catalog(store, run_refs)
    name = experiment or project.spec.name
    with _mlflow_errors(tracking_uri):
        client = mlflow_client(tracking_uri)
        experiment_id = _experiment_id(client, name, artifact_location)
        exported = {}
        with progress.task(f"Exporting {len(selected)} runs to MLflow",
                           total=len(selected)) as task:
            for run in selected:
                exported[run["id"]] = _export_run(client, store, project, experiment_id, run)
                task.advance()
        result = MlflowExport(tracking_uri, name, experiment_id, list(exported.values()))
        if registered_model:
            bundles = {run["id"]: run["bundle_path"] for run in selected}
            result.registered_model = registered_model
            result.versions = _export_versions(client, store, registered_model, exported,
                                               bundles, state)
    return result


@contextmanager
def _mlflow_errors(tracking_uri: str) -> Iterator[None]:
    """MLflow's own errors (unreachable server, unsupported URI, refused value) as one
    ``ExternalServiceError`` naming the store; runs exported before it stay exported."""
    mlflow_error = _mlflow().exceptions.MlflowException  # MissingExtraError without the extra
    try:
        yield
    except mlflow_error as exc:
        raise ExternalServiceError(
            f"MLflow at {tracking_uri} failed: {exc.message}",
            hint="check the tracking URI and that the server is up; export again to finish: "
                 "runs already exported are updated, not duplicated") from exc


@dataclass
class _RegistryState:
    versions: list[dict[str, Any]]
    aliases: dict[str, int]
    """Alias -> the textloop version it points at now."""
    managed: set[str]
    """Every alias textloop has ever set, including cleared ones."""


def _catalog(store: Store, run_refs: Sequence[str]
             ) -> tuple[list[dict[str, Any]], _RegistryState]:
    """The runs to export (with their metric logs) and the registry, in one snapshot."""
    with store.read() as conn:
        selected = ([resolve_run(conn, ref) for ref in run_refs] if run_refs
                    else runs.list_all(conn))
        for run in selected:
            run["metric_log"] = runs.metric_log(conn, run["id"])
        state = _RegistryState(model_versions.list_versions(conn), model_versions.aliases(conn),
                               {move["alias"] for move in model_versions.history(conn)})
    return selected, state


def _experiment_id(client: Any, name: str, artifact_location: str | None) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    return str(client.create_experiment(name, artifact_location=artifact_location))


def _export_run(client: Any, store: Store, project: Project, experiment_id: str,
                run: dict[str, Any]) -> ExportedRun:
    """Create the MLflow run (or find the one exported before) and bring it up to date."""
    existing = client.search_runs([experiment_id], f"tags.`{RUN_ID_TAG}` = '{run['id']}'",
                                  max_results=1)
    if existing:
        mlflow_id, created = existing[0].info.run_id, False
    else:
        mlflow_id = client.create_run(experiment_id, start_time=_ms(run["start_time"]),
                                      run_name=run["name"]).info.run_id
        created = True
    from mlflow.entities import Param, RunTag

    client.log_batch(mlflow_id, params=[Param(k, _text(v)) for k, v in run["params"].items()],
                     tags=[RunTag(k, v) for k, v in run_tags(project, run).items()])
    added = _log_new_metrics(client, mlflow_id, run["metric_log"])
    client.log_dict(mlflow_id, run["config"], "textloop/config.json")
    artifacts = _log_evaluations(client, store, mlflow_id, run["name"])
    if run["status"] != runs.RUNNING:
        end = run.get("end_time")
        client.set_terminated(mlflow_id, MLFLOW_STATUS[run["status"]],
                              end_time=None if end is None else _ms(end))
    return ExportedRun(run["name"], mlflow_id, created, added, artifacts)


def run_tags(project: Project, run: dict[str, Any]) -> dict[str, str]:
    """What MLflow's run list can filter on; empty values are left out."""
    tags = {RUN_ID_TAG: run["id"], "textloop.run_name": run["name"],
            "textloop.model": run["model"], "textloop.release_id": run["release_id"],
            "textloop.status": run["status"], "textloop.project": project.spec.name,
            "mlflow.source.name": "textloop", "mlflow.runName": run["name"]}
    return {k: str(v) for k, v in tags.items() if v not in (None, "")}


def _log_new_metrics(client: Any, mlflow_id: str, log: list[dict[str, Any]]) -> int:
    """Log the values the MLflow run does not have yet (same key, step, time and value)."""
    from mlflow.entities import Metric

    have: set[tuple[str, int, int, float]] = set()
    for key in {row["key"] for row in log}:
        have |= {(key, m.step, m.timestamp, m.value)
                 for m in client.get_metric_history(mlflow_id, key)}
    new = [Metric(row["key"], float(row["value"]), _ms(row["timestamp"]), int(row["step"]))
           for row in log
           if (row["key"], int(row["step"]), _ms(row["timestamp"]), float(row["value"]))
           not in have]
    for start in range(0, len(new), 1000):  # MLflow's limit per batch
        client.log_batch(mlflow_id, metrics=new[start:start + 1000])
    return len(new)


def _log_evaluations(client: Any, store: Store, mlflow_id: str, run_name: str) -> list[str]:
    """Each ``evaluation-SPLIT`` folder (report, metrics.json, model card) as an artifact."""
    folder = store.path_for("runs", run_name)
    logged = []
    for evaluation in sorted(folder.glob("evaluation-*")) if folder.is_dir() else []:
        if evaluation.is_dir():
            client.log_artifacts(mlflow_id, str(evaluation), evaluation.name)
            logged.append(evaluation.name)
    return logged


def _export_versions(client: Any, store: Store, model_name: str,
                     exported: dict[str, ExportedRun], bundles: dict[str, str | None],
                     state: _RegistryState) -> list[ExportedVersion]:
    """Versions of the exported runs, in textloop's order, and every alias brought in line."""
    chosen = [v for v in state.versions if v["run_id"] in exported]
    if not chosen:
        return []
    _ensure_registered_model(client, model_name)
    made = {int(v["version"]): _model_version(client, store, model_name, v,
                                              exported[v["run_id"]], bundles[v["run_id"]])
            for v in chosen}
    _sync_aliases(client, model_name, state)
    return [ExportedVersion(number, mlflow_version, created,
                            sorted(a for a, v in state.aliases.items() if v == number))
            for number, (mlflow_version, created) in made.items()]


def _sync_aliases(client: Any, model_name: str, state: _RegistryState) -> None:
    """Point each alias at the MLflow version of its textloop version; drop an alias that
    textloop cleared or whose version was never exported. Aliases textloop never set
    (someone's own, in MLflow) are left alone."""
    exported = {v.tags.get(VERSION_TAG): str(v.version)
                for v in client.search_model_versions(f"name='{model_name}'")}
    present = dict(client.get_registered_model(model_name).aliases or {})
    for alias in sorted(state.managed | set(state.aliases)):
        target = exported.get(str(state.aliases.get(alias)))
        if target is not None:
            client.set_registered_model_alias(model_name, alias, target)
        elif alias in present:
            client.delete_registered_model_alias(model_name, alias)


def _ensure_registered_model(client: Any, model_name: str) -> None:
    from mlflow.exceptions import MlflowException

    try:
        client.get_registered_model(model_name)
    except MlflowException:
        client.create_registered_model(model_name, description="Exported from textloop")


def _model_version(client: Any, store: Store, model_name: str, version: dict[str, Any],
                   run: ExportedRun, bundle: str | None) -> tuple[str, bool]:
    """The MLflow version made from ``run`` (found by run id), created on first export."""
    found = client.search_model_versions(f"name='{model_name}' and run_id='{run.mlflow_run_id}'")
    if found:
        return str(found[0].version), False
    if bundle:  # registered runs always have one; the check keeps a broken catalog readable
        client.log_artifacts(run.mlflow_run_id, str(store.path_for(bundle)), MODEL_ARTIFACTS)
    source = f"{client.get_run(run.mlflow_run_id).info.artifact_uri}/{MODEL_ARTIFACTS}"
    created = client.create_model_version(
        model_name, source=source, run_id=run.mlflow_run_id,
        tags={VERSION_TAG: str(version["version"]), "textloop.release_id":
              str(version["release_id"] or "")},
        description=f"textloop version {version['name']} ({version['run_name']})")
    return str(created.version), True


def _ms(seconds: float) -> int:
    return round(float(seconds) * 1000)


def _text(value: Any) -> str:
    """A param value as MLflow stores it: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value)
