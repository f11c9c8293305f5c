"""``evaluate --compare-embedders`` on a small release of real SMS texts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import shared_data
from tests.unit.models.embedders import conftest as model_fixtures
from tests.unit.models.embedders.model_folders import bert_folder
from textloop.errors import InvalidInputError
from textloop.models.embedders.added import add_model
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release
from textloop.stages.select.embedders import latency_sample
from textloop.stages.train.training import train

pytestmark = [pytest.mark.model, pytest.mark.integration]

ROWS = 250
private_cache = model_fixtures.private_cache


def sms_release(store, project, tmp_path: Path) -> str:
    """The first ``ROWS`` messages of sms_spam (labels spam/ham, as the project's)."""
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(ROWS), handle, strict=False)]
    path = tmp_path / "sms.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"], "label": r["label"]}) + "\n"
                            for r in rows), encoding="utf-8")
    import_file(store, project, path, ImportOptions())
    return create_release(store, project).id


def test_each_variant_is_scored_and_timed_on_the_evaluated_split(project, store,
                                                                  tmp_path) -> None:
    sms_release(store, project, tmp_path)
    run = train(store, project, model="embed-lr").run_name
    result = evaluate_run(store, project, run, compare_embedders=True)
    section = result.metrics["inference"]
    rows = {row["name"]: row for row in section["variants"]}
    assert list(rows) == ["fp32", "int8", "int8, 128 tokens", "int8, 64 tokens"]
    assert section["reference"] == "fp32" and section["trained_on"] == rows["int8"]["model_id"]
    assert [row["trained_on"] for row in rows.values()] == [False, True, False, False]
    # the int8 row is the evaluation itself: same vectors, head and calibrator
    assert rows["int8"]["accuracy"] == result.metrics["accuracy"]
    assert rows["int8"]["macro_f1"] == result.metrics["macro_f1"]
    assert rows["fp32"]["agreement"] == 1.0
    assert all(0.9 <= row["agreement"] <= 1.0 for row in rows.values())
    assert abs(rows["fp32"]["macro_f1"] - rows["int8"]["macro_f1"]) < 0.1
    assert rows["int8"]["size_bytes"] < rows["fp32"]["size_bytes"]
    assert rows["int8, 64 tokens"]["size_bytes"] == rows["int8"]["size_bytes"]
    assert rows["int8, 64 tokens"]["model_id"].endswith("/max64")
    assert section["latency_texts"] == section["n"] == result.metrics["n"]
    for row in rows.values():
        assert 0 < row["p50_ms"] <= row["p95_ms"] and row["texts_per_s"] > 0

    saved = json.loads(result.metrics_json.read_text(encoding="utf-8"))
    assert saved["inference"] == section
    html = result.report_html.read_text(encoding="utf-8")
    table = html.split('id="inference"', 1)[1].split("</section>", 1)[0]
    assert "int8, 64 tokens" in table and "int8 (as trained)" in table
    assert f"{rows['fp32']['size_bytes'] / 1e6:.1f}" in table


def test_a_run_without_an_embedder_is_refused(project, store, tmp_path) -> None:
    sms_release(store, project, tmp_path)
    run = train(store, project, model="tfidf-lr").run_name
    with pytest.raises(InvalidInputError) as caught:
        evaluate_run(store, project, run, compare_embedders=True)
    assert "tfidf-lr" in caught.value.message and "embed-lr" in (caught.value.hint or "")


def test_the_latency_sample_is_fixed_and_in_split_order() -> None:
    texts = [f"text {i}" for i in range(50)]
    sample = latency_sample(texts, 10)
    assert sample == latency_sample(texts, 10) and len(set(sample)) == 10
    assert sample == sorted(sample, key=texts.index)
    assert latency_sample(texts[:5], 10) == texts[:5]


def test_a_run_on_an_added_encoder_is_refused_before_feeding_it_minilm_vectors(
        project, store, tmp_path, private_cache) -> None:
    """The variants are MiniLM's: a head trained on another encoder's vectors cannot take them."""
    sms_release(store, project, tmp_path)
    add_model(bert_folder(tmp_path / "bert").folder, "enc")
    run = train(store, project, model="embed-lr", params={"embedder": "enc"}).run_name
    with pytest.raises(InvalidInputError) as caught:
        evaluate_run(store, project, run, compare_embedders=True)
    assert "'enc'" in caught.value.message and "MiniLM" in caught.value.message


def test_a_multilingual_run_is_compared_with_its_own_embedders_variants(tmp_path) -> None:
    """A head on 512-dim USE vectors cannot take MiniLM's 384: its variants are USE's."""
    from tests.unit.stages.pipeline_fixtures import project_in, released
    from textloop.storage import Store

    project = project_in("ko", tmp_path)
    with Store.for_project(project) as store:
        released(store, project, tmp_path)
        run = train(store, project, model="embed-lr").run_name
        result = evaluate_run(store, project, run, compare_embedders=True)
    rows = {row["name"]: row for row in result.metrics["inference"]["variants"]}
    assert list(rows) == ["fp32", "int8"]
    assert rows["int8"]["model_id"] == "use-multilingual-v3/int8-per-token-exact"
    assert rows["fp32"]["model_id"] == "use-multilingual-v3/fp32"
    assert rows["int8"]["trained_on"] and rows["int8"]["macro_f1"] == result.metrics["macro_f1"]
    assert rows["int8"]["size_bytes"] < rows["fp32"]["size_bytes"]
