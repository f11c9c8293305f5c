"""Registering runs as versions, the challenger alias, lineage to row ids, the model card."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import registered
from tests.unit.stages.span_run_fixtures import released_span_project
from textloop.errors import ConflictError
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.train.training import train
from textloop.stages.versions.register import alias_history, lineage, list_versions, register_run
from textloop.storage import releases


def test_register_evaluates_on_test_freezes_metrics_and_names_the_challenger(
        project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    run = train(store, project).run_name
    done = register_run(store, project, run, actor="ana")
    version = done.version
    assert done.evaluated_now is True
    assert (version["version"], version["run_name"], version["aliases"]) == (1, run,
                                                                            ["challenger"])
    assert 0.8 < version["metrics"]["macro_f1"] <= 1.0
    assert set(version["metrics"]["per_class_f1"]) == {"spam", "ham"}
    assert version["card_path"] == str(done.card_path)
    card = done.card_path.read_text(encoding="utf-8")
    assert f"Model card: {run} (m1)" in card and "textloop lineage m1 --ids" in card
    with pytest.raises(ConflictError, match="already registered as version m1"):
        register_run(store, project, run, actor="ana")


def test_a_second_version_takes_the_challenger_alias(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    registered(store, project, c=1.0)
    registered(store, project, c=8.0)
    assert [(v["version"], v["aliases"]) for v in list_versions(store)] == [
        (1, []), (2, ["challenger"])]
    moves = alias_history(store, "challenger")
    assert [(m["from_version"], m["to_version"], m["action"], m["actor"]) for m in moves] == [
        (None, 1, "register", "ana"), (1, 2, "register", "ana")]


def test_lineage_reaches_the_release_and_its_row_ids(project, store, tmp_path) -> None:
    release_id = released(store, project, tmp_path)
    registered(store, project)
    found = lineage(store, "challenger", with_ids=True)
    with store.read() as conn:
        rows = releases.rows(conn, release_id)
    assert found.release is not None and found.release["id"] == release_id
    assert found.row_ids == rows
    assert sum(found.rows_per_split.values()) == len(rows) == 240
    assert set(found.rows_per_split) == {"train", "validation", "test"}
    assert found.release_card is not None and found.release_card.is_file()
    assert lineage(store, "v1").row_ids is None


def test_every_evaluation_writes_a_model_card_beside_its_report(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    run = train(store, project).run_name
    result = evaluate_run(store, project, run, split="validation")
    assert result.model_card == result.report_html.parent / "model_card.md"
    card = result.model_card.read_text(encoding="utf-8")
    assert card.startswith("---\nlibrary_name: textloop\n")
    for section in ("## Intended use", "## Training data", "## Metrics on validation",
                    "## Calibration", "## Limitations", "## Lineage"):
        assert section in card
    assert "(not registered)" in card and "Goal: macro_f1 >= 0.9" in card
    assert "no slices declared" in card and "weakest label" in card
    html = (result.report_html.parent / "model_card.html").read_text(encoding="utf-8")
    assert "<h2>Limitations</h2>" in html


def test_the_card_names_the_weakest_slices(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    slices = {"len=short": {"macro_f1": 0.61}, "len=long": {"macro_f1": 0.97}}
    version = registered(store, project, slices=slices)
    card = lineage(store, str(version)).version["card_path"]
    text = Path(card).read_text(encoding="utf-8")
    assert "weakest slice len=short: macro_f1 0.6100" in text
    assert text.index("len=short") < text.index("len=long")


def test_a_span_version_freezes_its_entity_scores(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        run = train(store, project)
        frozen = register_run(store, project, run.run_name, actor="ann").version["metrics"]
        evaluated = evaluate_run(store, project, run.run_name).metrics
        assert frozen["entity_micro_f1"] == evaluated["entity_micro_f1"]  # the goal metric
        assert frozen["per_class_f1"] == {label: row["f1"]
                                          for label, row in evaluated["per_type"].items()}
