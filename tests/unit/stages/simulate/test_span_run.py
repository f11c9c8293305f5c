"""``simulate-al`` on span files: the format told from the content, the same curves, savings
table, stopping signal and figure as for labels, scored by entity micro-F1 with the real
span learner (``minilm-crf``); sentence vectors from a word-hash stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.unit.stages.simulate.fakes import DictCache, WordHashEmbedder
from textloop.errors import InvalidInputError
from textloop.stages.active_learn.span_learner import MAX_ITER, REFERENCE_MAX_ITER
from textloop.stages.simulate import Plan, simulate_al
from textloop.stages.simulate.span_data import read_spans, span_format

pytestmark = pytest.mark.model

PEOPLE = ["Ana", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Kenji", "Lena", "Mira", "Noah", "Omar", "Pia"]
PLACES = ["Seoul", "Paris", "Lima", "Oslo", "Cairo", "Quito", "Rome", "Accra"]
TEMPLATES = ["{p} lives in {c}", "{p} flew to {c} today", "I met {p} in {c}",
             "{p} likes the weather in {c}", "{p} is tired after {c}",
             "nothing happened on day {i}"]


def sentences(n: int) -> list[list[tuple[str, str]]]:
    """``n`` distinct tagged sentences (token, IOB2 tag) with people and places in a few
    templates (``n`` up to 128)."""
    out = []
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        p, c = PEOPLE[i % len(PEOPLE)], PLACES[(i // len(PEOPLE)) % len(PLACES)]
        tokens = template.format(p=p, c=c, i=i).split()
        out.append([(t, "B-PER" if t == p and "{p}" in template
                     else "B-LOC" if t == c and "{c}" in template else "O") for t in tokens])
    return out


def write_conll(path: Path, rows: list[list[tuple[str, str]]], sep: str = "\t") -> Path:
    path.write_text("".join("".join(f"{t}{sep}{g}\n" for t, g in row) + "\n" for row in rows),
                    encoding="utf-8")
    return path


def test_span_files_are_told_from_their_content(tmp_path: Path) -> None:
    rows = sentences(4)
    assert span_format(write_conll(tmp_path / "a.conll", rows)) == "conll"
    assert span_format(write_conll(tmp_path / "tokens.tsv", rows)) == "conll"
    assert span_format(write_conll(tmp_path / "tokens.txt", rows, sep=" ")) == "conll"
    labeled = tmp_path / "labeled.tsv"
    labeled.write_text("text\tlabel\nfree money now\tspam\nsee you at 5\tham\n",
                       encoding="utf-8")
    assert span_format(labeled) is None  # a tag column must hold tags: this is labeled rows
    spans = tmp_path / "spans.jsonl"
    spans.write_text(json.dumps({"text": "Ana lives in Seoul",
                                 "spans": [{"start": 0, "end": 3, "label": "PER"}]}) + "\n",
                     encoding="utf-8")
    assert span_format(spans) == "spans-jsonl"
    rows_file = tmp_path / "rows.jsonl"
    rows_file.write_text(json.dumps({"text": "hello", "label": "ham"}) + "\n", encoding="utf-8")
    assert span_format(rows_file) is None
    assert span_format(rows_file, "spans-jsonl") == "spans-jsonl"  # --format decides


def test_span_jsonl_is_read_with_its_test_split_and_bad_records_counted(tmp_path: Path) -> None:
    path = tmp_path / "spans.jsonl"
    lines = [{"text": "Ana lives in Seoul", "spans": [{"start": 0, "end": 3, "label": "PER"}]},
             {"text": "Ben is tired", "spans": [{"start": 0, "end": 3, "label": "PER"}],
              "meta": {"split": "test"}},
             {"text": "Ana lives in Seoul", "spans": []},  # the same text again
             {"text": "short", "spans": [{"start": 0, "end": 99, "label": "PER"}]}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    data = read_spans(path, "spans-jsonl")
    assert data.texts == ["Ana lives in Seoul", "Ben is tired"]
    assert data.is_test is not None and data.is_test.tolist() == [False, True]
    assert (data.repeated, data.skipped, data.labels) == (1, 1, ["PER"])


def test_a_conll_file_simulates_with_entity_f1_curves(tmp_path: Path) -> None:
    path = write_conll(tmp_path / "people.tsv", sentences(90))
    result = simulate_al(path, strategies=["span-mnlp"], seeds=1, schedule=[6, 12, 24],
                         out_dir=tmp_path / "out", embedder=WordHashEmbedder(),
                         cache=DictCache())
    assert result.metric == "entity_micro_f1" and [r.strategy for r in result.rows] == [
        "random", "span-mnlp"]
    curves = json.loads(result.curves_json.read_text(encoding="utf-8"))
    settings = curves["settings"]
    assert settings["task"] == "spans" and settings["pool"] + settings["test"] == 90
    assert 15 <= settings["test"] <= 21  # 20%, stratified by each record's set of labels
    assert curves["settings"]["sizes"] == [6, 12, 24]
    for strategy in ("random", "span-mnlp"):
        points = curves["curves"][strategy][0]["points"]
        assert [p["labels"] for p in points] == [6, 12, 24]
        assert set(points[0]) == {"labels", "entity_micro_f1", "entity_micro_precision",
                                  "entity_micro_recall"}
    assert result.reference_score > 0.8  # the learner learns these templates
    # the reference ran to convergence: L-BFGS stopped on its own, past the bound every
    # round's fit has (bounded too, it was under-fitted and partial sets could beat it)
    assert MAX_ITER < curves["reference"]["0"]["lbfgs_iterations"] < REFERENCE_MAX_ITER
    final = curves["curves"]["span-mnlp"][0]["points"][-1]["entity_micro_f1"]
    assert final > 0.5
    savings = json.loads(result.savings_json.read_text(encoding="utf-8"))
    assert savings["reference_entity_micro_f1"] == result.reference_score
    assert "entity micro-F1" in result.verdict
    assert "entity micro-F1" in result.savings_table.read_text(encoding="utf-8")
    assert result.figure_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_span_strategies_start_from_the_cold_start_batch(tmp_path: Path) -> None:
    """Every strategy that needs a model labels the same first sentences (the seed's
    cold-start batch), so the curves differ by the strategies' choices alone."""
    path = write_conll(tmp_path / "people.conll", sentences(60))
    result = simulate_al(path, strategies=["span-mnlp", "span-token-entropy-max",
                                           "span-default"], seeds=1, schedule=[8, 16],
                         out_dir=tmp_path / "out", embedder=WordHashEmbedder(),
                         cache=DictCache())
    curves = json.loads(result.curves_json.read_text(encoding="utf-8"))["curves"]
    first = {name: runs[0]["points"][0]["entity_micro_f1"] for name, runs in curves.items()
             if name != "random"}
    assert len(set(first.values())) == 1


def test_bad_span_simulations_are_clear_errors(tmp_path: Path) -> None:
    path = write_conll(tmp_path / "people.conll", sentences(30))
    with pytest.raises(InvalidInputError, match="increasing"):
        simulate_al(path, schedule=[10, 5], out_dir=tmp_path / "x",
                    embedder=WordHashEmbedder(), cache=DictCache())
    with pytest.raises(InvalidInputError, match="records outside the test set"):
        simulate_al(path, schedule=[10, 40], out_dir=tmp_path / "x",
                    embedder=WordHashEmbedder(), cache=DictCache())
    empty = write_conll(tmp_path / "empty.conll", [[("nothing", "O"), ("here", "O")]] * 10)
    with pytest.raises(InvalidInputError, match="no span at all"):
        simulate_al(empty, schedule=[2, 4], out_dir=tmp_path / "x",
                    embedder=WordHashEmbedder(), cache=DictCache())
    rows = tmp_path / "rows.csv"
    rows.write_text("text,label\n" + "".join(f"text {i},{i % 2}\n" for i in range(40)),
                    encoding="utf-8")
    with pytest.raises(InvalidInputError, match="--schedule is for span files"):
        simulate_al(rows, schedule=[10, 20], out_dir=tmp_path / "x",
                    embedder=WordHashEmbedder(), cache=DictCache())


def test_a_schedule_sets_the_first_batch_budget_and_rounds() -> None:
    plan = Plan.make(["random"], 1, 1000, 50, None, schedule=[50, 100, 200, 400])
    assert (plan.initial, plan.budget, plan.rounds, plan.sizes()) == (
        50, 400, 4, [50, 100, 200, 400])
    fixed = Plan.make(["random"], 1, 120, 20, 30)
    assert fixed.sizes() == [30, 50, 70, 90, 110, 120] and fixed.rounds == 6
    assert np.array_equal(Plan.make(["random"], 1, 50, 50, None).sizes(), [50])
