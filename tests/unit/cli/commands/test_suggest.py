"""``textloop suggest`` through the CLI runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from textloop.cli.main import app
from textloop.stages.ingest import ImportOptions, import_file

pytestmark = pytest.mark.model


def test_suggest_fills_the_queue_and_says_how(project, store, tmp_path) -> None:
    data = tmp_path / "pool.csv"
    data.write_text("text\n" + "\n".join(f"message {i} about lunch" for i in range(40)) + "\n")
    import_file(store, project, data, ImportOptions())
    result = CliRunner().invoke(app, ["--project", str(project.root), "suggest", "--batch", "7"])
    assert result.exit_code == 0, result.output
    assert "Queued 7 of 40" in result.output and "cold start" in result.output
    again = CliRunner().invoke(app, ["--project", str(project.root), "suggest", "--strategy",
                                     "margin"])
    assert again.exit_code == 2 and "needs a trained model" in again.output


def test_suggest_from_production_queues_logged_rows_and_show_says_why(project, store,
                                                                      tmp_path) -> None:
    from tests.unit.stages.active_learn.test_production import TRAFFIC, logged
    from tests.unit.stages.pipeline_fixtures import released

    released(store, project, tmp_path)
    logged(store, TRAFFIC, feedback={"r-wrong": "ham"})
    runner, root = CliRunner(), ["--project", str(project.root)]
    result = runner.invoke(app, [*root, "suggest", "--from", "production", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Queued 2 of 5 logged predictions (1 disputed, 0 drifted, 1 uncertain)" in (
        result.output)
    from textloop.texts import content_hash, record_id
    wrong = record_id(content_hash("free movie tickets for mum"))
    shown = runner.invoke(app, [*root, "show", wrong])
    assert "from production prediction:r-wrong/0" in shown.output
    assert ("queued" in shown.output and "production r-wrong/0: disputed (feedback 'ham', "
            "predicted 'spam')" in " ".join(shown.output.split()))
    unknown = runner.invoke(app, [*root, "suggest", "--from", "elsewhere"])
    assert unknown.exit_code == 2 and "--from production" in unknown.output


def test_suggest_json_gives_the_queued_ids_and_the_progress(project, store, tmp_path) -> None:
    data = tmp_path / "pool.csv"
    data.write_text("text\n" + "\n".join(f"message {i} about lunch" for i in range(40)) + "\n")
    import_file(store, project, data, ImportOptions())
    found = json_of(CliRunner().invoke(app, ["--project", str(project.root), "suggest",
                                             "--batch", "7", "--json"]))
    assert found["queued"] == 7 and len(found["record_ids"]) == 7
    assert found["pool_size"] == 40 and found["cold_start"] is True
    assert found["progress"]["labeled"] == 0 and found["progress"]["goal_metric"] == "macro_f1"


def test_suggest_from_production_json_names_each_pick_and_why(project, store,
                                                              tmp_path) -> None:
    from tests.unit.stages.active_learn.test_production import TRAFFIC, logged
    from tests.unit.stages.pipeline_fixtures import released

    released(store, project, tmp_path)
    logged(store, TRAFFIC, feedback={"r-wrong": "ham"})
    found = json_of(CliRunner().invoke(app, ["--project", str(project.root), "suggest",
                                             "--from", "production", "--batch", "2", "--json"]))
    assert found["queued"] == 2 and found["rows_read"] == 5
    assert found["counts"] == {"disputed": 1, "drifted": 0, "uncertain": 1}
    disputed = next(p for p in found["picks"] if p["kind"] == "disputed")
    assert disputed["request_id"] == "r-wrong" and "disputed" in disputed["reasons"]


def test_suggest_on_a_span_project_says_how_it_ordered(tmp_path) -> None:
    from tests.unit.stages.rules.span_fixtures import (
        BRANDS,
        SAMSUNG_ORG,
        import_span_texts,
        span_project,
    )
    from textloop.storage import Store

    project = span_project(tmp_path / "ner", BRANDS, SAMSUNG_ORG)
    with Store.for_project(project) as store:
        import_span_texts(store, project, tmp_path)
    root = ["--project", str(project.root)]
    result = CliRunner().invoke(app, [*root, "suggest", "--batch", "2", "--strategy",
                                      "rule-coverage"])
    assert result.exit_code == 0, result.output
    assert "Queued 2 of 6 unlabeled records with rule-coverage (records where span rules " \
           "disagree first" in " ".join(result.output.split())
    refused = CliRunner().invoke(app, [*root, "suggest", "--strategy", "margin"])
    assert refused.exit_code != 0 and "ranks by a classifier's class probabilities" in " ".join(
        refused.output.split())
    cold = CliRunner().invoke(app, [*root, "suggest", "--batch", "1"])
    assert cold.exit_code == 0, cold.output
    assert "with textloop.query.span-default.v1 (diverse, representative records (k-means" in \
        " ".join(cold.output.split())
    found = json_of(CliRunner().invoke(app, [*root, "suggest", "--strategy", "random",
                                             "--json"]))
    assert found["strategy"] == "textloop.query.random.v1" and found["queued"] == 3


def test_suggest_on_a_span_project_stores_the_model_s_spans_for_labeling(tmp_path) -> None:
    """Once a span model can be trained, ``suggest`` says how many spans it found in the
    queued records, and the labeling page's suggesters offer exactly those."""
    from tests.unit.stages.active_learn.test_spans import POOL, people_project
    from textloop.stages.label.span_suggestions import LEARNER_SOURCE, suggest_spans

    with people_project(tmp_path) as (project, store, ids, _):
        root = ["--project", str(project.root)]
        said = CliRunner().invoke(app, [*root, "suggest", "--batch", "2"])
        assert said.exit_code == 0, said.output
        found = json_of(CliRunner().invoke(app, [*root, "suggest", "--batch", "2",
                                                 "--json"]))
        offered = {ids[text]: [s for s in suggest_spans(store, project, text)
                               if s.source == LEARNER_SOURCE] for text in POOL}
        assert found["queued"] == 2 and found["suggested_spans"] == sum(
            len(offered[rid]) for rid in found["record_ids"])
        first = sum(len(spans) for rid, spans in offered.items()
                    if rid not in found["record_ids"])
        assert first > 0
        assert (f"Stored {first} spans the model found in them as suggestions"
                in " ".join(said.output.split()))


def test_suggest_says_when_the_learning_curve_has_flattened(project, store, tmp_path) -> None:
    """After rounds whose scores levelled off, the summary says random sampling is as good
    (and --json carries the same facts)."""
    from textloop.storage import rounds

    data = tmp_path / "pool.csv"
    data.write_text("text\n" + "\n".join(f"message {i} about lunch" for i in range(40)) + "\n")
    import_file(store, project, data, ImportOptions())
    with store.write() as conn:
        for n, score in [(25, 0.62), (50, 0.78), (75, 0.83), (100, 0.85), (150, 0.862),
                         (200, 0.866), (300, 0.868)]:
            rounds.add(conn, n_labels=n, score=score, stability=None, model="test",
                       details={})
    root = ["--project", str(project.root), "suggest", "--batch", "5"]
    result = CliRunner().invoke(app, root)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Flat learning curve: the learning curve has flattened (from about" in text
    assert "random sampling is as good as active learning from here" in text
    found = json_of(CliRunner().invoke(app, [*root, "--json"]))
    assert found["progress"]["flat"] is True and found["progress"]["flattened_at"] <= 300


def test_suggest_says_when_the_batch_keeps_away_from_disputed_labels(project, store,
                                                                     tmp_path) -> None:
    from tests.unit.stages.active_learn.test_suggest import split_votes
    from textloop.stages.active_learn.data import load_sets

    data = tmp_path / "pool.csv"
    data.write_text("text,label\n" + "\n".join(
        f"win a free prize {i},spam" if i % 3 == 0 else f"lunch at noon {i},ham"
        for i in range(30)) + "\n" + "\n".join(f"message {i} about lunch," for i in range(40))
        + "\n")
    import_file(store, project, data, ImportOptions())
    split_votes(store, load_sets(store, project).pool_ids[:20], "ham", "spam")
    root = ["--project", str(project.root)]
    result = CliRunner().invoke(app, [*root, "suggest", "--batch", "3"])
    assert result.exit_code == 0, result.output
    assert ("Unreliable labels: annotators' answers disagree on 100% of the records labeled "
            "ham" in " ".join(result.output.split()))
    found = json_of(CliRunner().invoke(app, [*root, "suggest", "--batch", "3", "--json"]))
    assert found["choice"]["noisy"] is True and found["choice"]["evidence"] == "votes"
