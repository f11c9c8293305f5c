"""``demo --task spans``: a user's CoNLL or spans JSONL file from import to a promoted
champion, and the clear refusals before anything is created (missing file, not span data, no
file at all) or after (a bad tag sequence, with the project it created removed)."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.demo.conll_fixtures import sentences, write_conll
from textloop.config import find_project, load_spec
from textloop.errors import InvalidInputError, NotFoundError
from textloop.spans import decode_spans
from textloop.stages.demo.spans import example_text, run_span_demo
from textloop.stages.release import load_release
from textloop.storage import Store, model_versions, runs


@pytest.mark.model
def test_a_conll_file_runs_from_import_to_a_promoted_champion(tmp_path) -> None:
    data = sentences(90)
    data[7][0] = ("Hello", "I-PER")  # I- after nothing: not IOB2, a row error
    line = sum(len(rows) + 1 for rows in data[:7]) + 1  # its token's line in the file
    path = write_conll(tmp_path / "mine.conll", data)
    folder = tmp_path / "demo"
    with pytest.raises(InvalidInputError, match=rf"mine.conll: .*\n  line {line}: ") as caught:
        run_span_demo(folder, path)
    assert "--skip-invalid" in f"{caught.value} {caught.value.hint}"
    assert not folder.exists()  # the project it had created is gone: no --fresh needed

    steps: list[str] = []
    summary = run_span_demo(folder, path, skip_invalid=True, max_train=30,
                            on_step=steps.append)
    assert summary.format == "conll" and summary.reading["scheme"] == "IOB2"
    assert summary.rows_read == 90 and summary.rows_skipped == 1 and summary.records_new == 89
    assert summary.skip_report is not None and summary.skip_report.is_file()
    assert sorted(summary.labels) == ["LOC", "PER"]
    assert sorted(load_spec(folder / "textloop.yaml").label_names) == ["LOC", "PER"]
    assert summary.release_id == "v1" and sum(summary.split_sizes.values()) == 89
    assert summary.n_train == 30 < summary.split_sizes["train"]
    assert any(f"30 of {summary.split_sizes['train']} training records" in note
               for note in summary.notes)
    assert summary.run == "minilm-crf-1" and summary.test["entity_micro_f1"] > 0.8
    assert set(summary.per_type) == {"LOC", "PER"}
    assert set(summary.errors) >= {"missed", "spurious", "wrong_type", "wrong_boundary"}
    assert summary.report.is_file() and summary.model_card is not None
    assert summary.version == "m1" and summary.promoted
    assert steps[0] == "Creating the span project" and steps[-1].startswith("Registering")

    with Store.for_project(find_project(folder)) as store:  # a project to keep working in
        with store.read() as conn:
            assert model_versions.aliases(conn)["champion"] == 1
            run = runs.get(conn, "minilm-crf-1")
            assert run["params"]["n_train"] == 30 and run["params"]["max_train"] == 30
        test = load_release(store, "v1").test
    assert summary.example["text"] in test.texts  # never a text the model trained on
    value = test.labels[test.texts.index(summary.example["text"])]
    assert decode_spans(value)
    assert json.loads(json.dumps(summary.to_dict()))["test"]["entity_micro_f1"] > 0.8


@pytest.mark.model
def test_a_spans_jsonl_file_is_read_as_spans_without_being_told(tmp_path) -> None:
    path = tmp_path / "mine.jsonl"
    lines = []
    for rows in sentences(40):
        text, spans, at = "", [], 0
        for token, tag in rows:
            if tag != "O":
                spans.append({"start": at, "end": at + len(token), "label": tag[2:]})
            text += token + " "
            at += len(token) + 1
        lines.append(json.dumps({"text": text.strip(), "spans": spans, "meta": {"n": at}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_span_demo(tmp_path / "demo", path)
    assert summary.format == "spans-jsonl" and summary.records_new == 40
    assert summary.max_train == 3000 and not any("training records" in n
                                                 for n in summary.notes)
    assert summary.promoted and summary.per_type["PER"]["support"] > 0


def test_no_file_a_missing_file_and_a_classification_csv_are_refused_before_any_work(
        tmp_path) -> None:
    folder = tmp_path / "demo"
    with pytest.raises(InvalidInputError, match="needs --data") as caught:
        run_span_demo(folder, None)
    assert "WNUT-17" in str(caught.value.hint) and "--data train.conll" in str(caught.value.hint)
    with pytest.raises(NotFoundError, match="no such file"):
        run_span_demo(folder, tmp_path / "nope.conll")
    csv = tmp_path / "reviews.csv"
    csv.write_text("text,label\nA warm and funny film,fresh\nDull,rotten\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        run_span_demo(folder, csv)
    said = str(caught.value)
    assert "reads as csv" in said and "first line: 'text,label'" in said and "CoNLL" in said
    assert f"textloop demo --data {csv} --text-col" in str(caught.value.hint)
    with pytest.raises(InvalidInputError, match="not a span format"):
        run_span_demo(folder, csv, file_format="csv")
    assert not folder.exists()


def test_the_example_text_holds_a_span_and_is_readable_when_one_is() -> None:
    texts = ["x", "Ana", "Ana lives in Paris, where it rains a lot", "A long text " * 30]
    values = ["[]", '[{"start": 0, "end": 3, "label": "PER"}]',
              '[{"start": 0, "end": 3, "label": "PER"}]', "[]"]
    assert example_text(texts, values) == texts[2]
    assert example_text(texts[:2], values[:2]) == "Ana"  # none readable: the shortest with one
    assert example_text(["a", "b"], ["[]", "[]"]) == "a"
    assert example_text([], []) == ""
