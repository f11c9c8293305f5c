"""``export mlflow``: runs copied into a local MLflow store and read back with MLflow's client."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import no_timing
from textloop.errors import InvalidInputError, MissingExtraError
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.export.mlflow import (
    MODEL_ARTIFACTS,
    RUN_ID_TAG,
    export_to_mlflow,
    mlflow_client,
)
from textloop.stages.train.training import train
from textloop.stages.versions.promotion import promote
from textloop.stages.versions.register import register_run
from textloop.storage import runs
from textloop.storage.bundles import ARRAYS, BUNDLE_JSON

pytestmark = pytest.mark.model  # the embed-mlp run embeds its texts with MiniLM


def tracking(tmp_path: Path) -> dict[str, str]:
    """A local SQLite tracking store with its artifacts beside it."""
    return {"tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}",
            "artifact_location": str(tmp_path / "mlartifacts")}


def read_back(uri: str, experiment: str) -> dict[str, object]:
    """MLflow's view of the experiment: run name -> run."""
    client = mlflow_client(uri)
    found = client.get_experiment_by_name(experiment)
    return {run.info.run_name: run for run in client.search_runs([found.experiment_id])}


def test_params_metric_histories_tags_times_and_artifacts(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    mlp = train(store, project, model="embed-mlp", params={"epochs": 3})
    lr = train(store, project, params={"C": 3.0})
    evaluate_run(store, project, lr.run_name)
    where = tracking(tmp_path)
    result = export_to_mlflow(store, project, **where)
    assert [r.name for r in result.runs] == [mlp.run_name, lr.run_name]
    assert all(r.created for r in result.runs) and result.experiment == project.spec.name

    client = mlflow_client(where["tracking_uri"])
    exported = read_back(where["tracking_uri"], project.spec.name)
    with store.read() as conn:
        ours = runs.get(conn, mlp.run_id)
        log = runs.metric_log(conn, mlp.run_id)
    theirs = exported[mlp.run_name]
    assert theirs.data.params["epochs"] == "3" and theirs.data.params["loss"] == "cross_entropy"
    assert theirs.data.params["release"] == ours["release_id"]
    assert set(theirs.data.params) == set(ours["params"])
    history = client.get_metric_history(theirs.info.run_id, "val/loss")
    expected = [(r["step"], r["value"], round(r["timestamp"] * 1000)) for r in log
                if r["key"] == "val/loss"]
    assert [(m.step, m.value, m.timestamp) for m in history] == expected
    assert [m.step for m in history] == [1, 2, 3]
    assert len(log) == sum(len(client.get_metric_history(theirs.info.run_id, key))
                           for key in {r["key"] for r in log})
    assert theirs.data.tags[RUN_ID_TAG] == mlp.run_id
    assert theirs.data.tags["textloop.release_id"] == mlp.release_id
    assert theirs.data.tags["textloop.model"] == "textloop.model.embed-mlp.v1"
    assert theirs.data.tags["textloop.status"] == "finished"
    assert theirs.info.status == "FINISHED"
    assert theirs.info.start_time == round(ours["start_time"] * 1000)
    assert theirs.info.end_time == round(ours["end_time"] * 1000)

    evaluated = exported[lr.run_name]
    assert evaluated.data.metrics["test/macro_f1"] > 0.5
    files = {f.path for f in client.list_artifacts(evaluated.info.run_id, "evaluation-test")}
    assert {"evaluation-test/report.html", "evaluation-test/metrics.json",
            "evaluation-test/model_card.md"} <= files
    local = Path(client.download_artifacts(evaluated.info.run_id,
                                           "evaluation-test/metrics.json", str(tmp_path)))
    assert json.loads(local.read_text())["macro_f1"] == pytest.approx(
        evaluated.data.metrics["test/macro_f1"])
    config = client.download_artifacts(evaluated.info.run_id, "textloop/config.json",
                                       str(tmp_path))
    assert json.loads(Path(config).read_text())["params"]["C"] == 3.0


def test_export_again_updates_instead_of_duplicating(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    first = train(store, project, params={"C": 1.0}).run_name
    second = train(store, project, params={"C": 8.0}).run_name
    for run in (first, second):
        register_run(store, project, run, actor="ana")
    promote(store, project, "v1", actor="ana", force=True, reason="first", measure=no_timing)
    where = tracking(tmp_path)
    before = export_to_mlflow(store, project, [first, second], registered_model="spam", **where)
    assert [(v.version, v.aliases) for v in before.versions] == [(1, ["champion"]),
                                                               (2, ["challenger"])]
    client = mlflow_client(where["tracking_uri"])
    client.set_registered_model_alias("spam", "staging", before.versions[0].mlflow_version)
    evaluate_run(store, project, first, split="validation")
    promote(store, project, "v2", actor="ana", force=True, reason="better", measure=no_timing)
    after = export_to_mlflow(store, project, [first, second], registered_model="spam", **where)

    assert [r.created for r in after.runs] == [False, False]
    assert [r.mlflow_run_id for r in after.runs] == [r.mlflow_run_id for r in before.runs]
    added = [key for key in metric_keys(store, first) if key.startswith("validation/")]
    assert added and after.runs[0].metrics_added == len(added)
    assert after.runs[1].metrics_added == 0
    assert [(v.version, v.aliases, v.created) for v in after.versions] == [
        (1, [], False), (2, ["champion"], False)]
    exported = read_back(where["tracking_uri"], project.spec.name)
    assert len(exported) == 2
    assert "validation/macro_f1" in exported[first].data.metrics
    assert len(client.get_metric_history(exported[first].info.run_id, "train/macro_f1")) == 1
    versions = client.search_model_versions("name='spam'")
    assert len(versions) == 2
    champion = client.get_model_version_by_alias("spam", "champion")
    assert champion.run_id == exported[second].info.run_id
    assert champion.tags["textloop.version"] == "2"
    aliases = client.get_registered_model("spam").aliases
    assert "challenger" not in aliases  # cleared by the promotion, so cleared in MLflow too
    assert str(aliases["staging"]) == before.versions[0].mlflow_version  # not textloop's: kept
    bundle = {f.path for f in client.list_artifacts(champion.run_id, MODEL_ARTIFACTS)}
    assert {f"model/{BUNDLE_JSON}", f"model/{ARRAYS}"} <= bundle
    assert champion.source.endswith("/model")


def metric_keys(store, run: str) -> list[str]:
    with store.read() as conn:
        return [row["key"] for row in runs.metric_log(conn, runs.get(conn, run)["id"])]


def test_missing_mlflow_names_the_extra(project, store, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)
    with pytest.raises(MissingExtraError) as caught:
        export_to_mlflow(store, project, tracking_uri="sqlite:///unused.db")
    assert caught.value.hint == 'pip install "textloop[mlflow]"'
    assert "mlflow-skinny" in caught.value.message


def test_no_tracking_uri_says_how_to_give_one(project, store) -> None:
    with pytest.raises(InvalidInputError) as caught:
        export_to_mlflow(store, project, tracking_uri="")
    assert "MLFLOW_TRACKING_URI" in (caught.value.hint or "")
