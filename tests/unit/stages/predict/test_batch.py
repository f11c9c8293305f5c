"""``predict_file``: every row of a CSV, JSON Lines or Parquet file scored as ``serve``
would, streamed in bounded memory, written whole or not at all."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from tests.unit.server.span_fixtures import span_champion
from tests.unit.stages.pipeline_fixtures import released
from textloop.config import Actions
from textloop.errors import InvalidInputError
from textloop.stages.predict import predict_file
from textloop.stages.predict.prediction import predict
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.stages.runs import load_run
from textloop.stages.serving.extract import extractions_from
from textloop.stages.train.training import train
from textloop.storage import Store
from textloop.storage.schema import predictions as prediction_log

TEXTS = ["win free cash prize claim now urgent", "see you at home for dinner later",
         "=1+2 free offer", "café mum lunch ok 😀", "42"]
"""A formula-looking text, non-ASCII and a number among them."""


@pytest.fixture
def trained(project, store, tmp_path):
    project.spec.actions = Actions.for_filter(["spam"])
    released(store, project, tmp_path)
    train(store, project)
    return project, store


def write_input(path: Path, rows: list[dict[str, object]]) -> Path:
    """``rows`` in the format the suffix names."""
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def read_output(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize(("source", "target"), [("csv", "csv"), ("jsonl", "parquet"),
                                                ("parquet", "jsonl")])
def test_each_row_gets_what_predict_answers_in_every_format(trained, tmp_path, source,
                                                            target) -> None:
    project, store = trained
    rows = [{"id": f"a{i}", "text": text, "other": i} for i, text in enumerate(TEXTS)]
    inp = write_input(tmp_path / f"in.{source}", rows)
    done = predict_file(store, project, "latest", inp, tmp_path / f"out.{target}",
                        batch_rows=2)
    assert (done.rows, done.run, done.version, done.key) == (5, "tfidf-lr-1", None, "id")
    out = read_output(tmp_path / f"out.{target}")
    expected = predict(store, "latest", TEXTS)
    assert [r["id"] for r in out] == [f"a{i}" for i in range(5)]
    for row, want in zip(out, expected, strict=True):
        assert row["label"] == want.label and row["band"] == want.band
        assert float(row["score"]) == want.score  # exact: floats are written round-trip
        assert {k: float(v) for k, v in row.items() if k.startswith("proba_")} == {
            f"proba_{label}": p for label, p in want.probabilities.items()}
        assert row["model"] == "tfidf-lr-1"
        assert row["model_version"] in ("", None)  # never registered
    assert list(tmp_path.glob(".*partial")) == []


def test_a_csv_cell_a_spreadsheet_would_run_is_guarded(trained, tmp_path) -> None:
    project, store = trained
    inp = write_input(tmp_path / "in.csv", [{"id": "=HYPERLINK(1)", "text": TEXTS[0]}])
    predict_file(store, project, "latest", inp, tmp_path / "out.csv")
    assert read_output(tmp_path / "out.csv")[0]["id"] == "'=HYPERLINK(1)"


def test_rows_without_an_id_column_are_keyed_by_row_number_and_the_version_is_named(
        trained, tmp_path) -> None:
    from textloop.stages.versions import register_run

    project, store = trained
    register_run(store, project, "latest", actor="test")
    inp = write_input(tmp_path / "in.jsonl", [{"body": t} for t in TEXTS])
    done = predict_file(store, project, "m1", inp, tmp_path / "out.parquet", text_col="body")
    out = read_output(tmp_path / "out.parquet")
    assert done.key == "row" and [r["row"] for r in out] == [1, 2, 3, 4, 5]
    assert done.version == "m1" and {r["model_version"] for r in out} == {"m1"}


def test_a_regression_model_writes_its_value(tmp_path) -> None:
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project import parse_target

    project = init_project(tmp_path / "rated", labels=[], task="regression",
                           target=parse_target("score:0:1"))
    data = tmp_path / "scores.csv"
    data.write_text("text,score\n" + "".join(
        f"{'awful bad terrible' if i % 2 else 'great fine lovely'} note {i},{i % 2}\n"
        for i in range(120)), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions(label_col="score"))
        create_release(store, project)
        train(store, project, model="tfidf-ridge")
        inp = write_input(tmp_path / "in.csv", [{"text": "awful bad terrible day"},
                                                {"text": "great fine lovely day"}])
        predict_file(store, project, "latest", inp, tmp_path / "out.jsonl")
        want = [p.value for p in predict(store, "latest", ["awful bad terrible day",
                                                           "great fine lovely day"])]
    out = read_output(tmp_path / "out.jsonl")
    assert [set(r) for r in out] == [{"row", "value", "model", "model_version"}] * 2
    assert [r["value"] for r in out] == want
    assert out[0]["value"] > out[1]["value"]


def test_a_span_model_writes_each_rows_spans_as_json(tmp_path) -> None:
    texts = ["Ana works at Acme", "김철수는 삼성전자에 다닌다 010-1234-5678", "  Ana  "]
    with span_champion(tmp_path) as (project, store):
        inp = write_input(tmp_path / "in.csv", [{"text": t} for t in texts])
        done = predict_file(store, project, "champion", inp, tmp_path / "out.csv")
        want = extractions_from(load_run(store, "champion"), texts)
    out = read_output(tmp_path / "out.csv")
    assert done.version == "m1"
    assert [json.loads(str(r["spans"])) for r in out] == [
        [s.to_dict() for s in found.spans] for found in want]
    # offsets over the text as read: the padded "Ana" starts at 2
    assert json.loads(str(out[2]["spans"]))[0]["start"] == 2
    assert any(json.loads(str(r["spans"])) for r in out[:2])


def test_a_missing_text_column_is_refused_naming_the_file_and_columns(trained,
                                                                      tmp_path) -> None:
    project, store = trained
    inp = write_input(tmp_path / "in.csv", [{"id": "1", "message": "hello"}])
    with pytest.raises(InvalidInputError, match=r"in\.csv: column 'text' .* not found .*"
                                                r"'id', 'message'") as caught:
        predict_file(store, project, "latest", inp, tmp_path / "out.csv")
    assert "--text-col" in caught.value.message + (caught.value.hint or "")
    assert not (tmp_path / "out.csv").exists()


def test_bytes_not_in_the_encoding_are_refused_naming_the_line(trained, tmp_path) -> None:
    project, store = trained
    inp = tmp_path / "in.csv"
    inp.write_bytes(b"text\nfine text\ncaf\xe9 in cp1252\n")
    with pytest.raises(InvalidInputError, match=r"in\.csv: line 3: bytes e9 .* not valid"
                       ) as caught:
        predict_file(store, project, "latest", inp, tmp_path / "out.csv")
    assert "--encoding" in (caught.value.hint or "")
    assert not (tmp_path / "out.csv").exists()
    done = predict_file(store, project, "latest", inp, tmp_path / "out.csv",
                        encoding="cp1252")
    assert done.rows == 2


def test_a_malformed_jsonl_line_fails_the_job_leaving_no_output(trained, tmp_path) -> None:
    project, store = trained
    lines = [json.dumps({"text": f"see you at home {i}"}) for i in range(600)]
    lines[540] = '{"text": "unclosed'
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("yesterday's predictions\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"in\.jsonl: line 541: invalid JSON") as caught:
        predict_file(store, project, "latest", inp, out, batch_rows=100, log=True)
    assert "one JSON object per line" in (caught.value.hint or "")
    # batches before line 541 were scored and written, yet nothing of them is left
    assert out.read_text(encoding="utf-8") == "yesterday's predictions\n"
    assert list(tmp_path.glob(".*partial")) == []
    with store.read() as conn:  # and the rows it had logged were taken back
        assert conn.execute(select(func.count()).select_from(prediction_log)).scalar() == 0


def test_log_writes_each_row_once_to_the_prediction_log(trained, tmp_path) -> None:
    project, store = trained
    inp = write_input(tmp_path / "in.csv", [{"text": t} for t in TEXTS * 3])
    done = predict_file(store, project, "latest", inp, tmp_path / "out.csv", log=True,
                        batch_rows=4)
    with store.read() as conn:
        logged = conn.execute(select(prediction_log).order_by(prediction_log.c.idx)
                              ).mappings().all()
    assert done.logged == len(logged) == 15
    assert {r["request_id"] for r in logged} == {done.log_request_id}
    assert [r["idx"] for r in logged] == list(range(15))
    assert [r["text"] for r in logged] == TEXTS * 3
    out = read_output(tmp_path / "out.csv")
    assert [r["label"] for r in logged] == [r["label"] for r in out]


def test_the_output_cannot_be_the_input_and_its_format_must_be_known(trained,
                                                                     tmp_path) -> None:
    project, store = trained
    inp = write_input(tmp_path / "in.csv", [{"text": TEXTS[0]}])
    with pytest.raises(InvalidInputError, match="overwrite the input"):
        predict_file(store, project, "latest", inp, inp)
    with pytest.raises(InvalidInputError, match="output format") as caught:
        predict_file(store, project, "latest", inp, tmp_path / "out.xlsx")
    assert "--output-format" in (caught.value.hint or "")


@pytest.mark.slow
def test_a_killed_job_leaves_no_output_file(trained, tmp_path) -> None:
    project, _store = trained
    inp = write_input(tmp_path / "in.csv", [{"text": t} for t in TEXTS * 200])
    out = tmp_path / "out.csv"
    signal_file = tmp_path / "paused"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from textloop.config import find_project
        from textloop.stages.predict import predict_file
        from textloop.storage import Store
        project = find_project(Path({str(project.root)!r}))
        with Store.for_project(project) as store:
            predict_file(store, project, "latest", Path({str(inp)!r}), Path({str(out)!r}),
                         batch_rows=100)
        """)
    env = {**os.environ, "TEXTLOOP_PAUSE_AT": "predict:writing",
           "TEXTLOOP_PAUSE_SIGNAL": str(signal_file)}
    child = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():  # the first batch is in the temporary file
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        partial = list(tmp_path.glob(".out.csv.*.partial"))
        assert partial and partial[0].stat().st_size > 0
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert not out.exists()


@pytest.mark.slow
def test_memory_stays_flat_however_long_the_file(trained, tmp_path) -> None:
    project, store = trained

    def peak(rows: int) -> int:
        inp = tmp_path / f"in{rows}.csv"
        with inp.open("w", encoding="utf-8") as handle:
            handle.write("id,text\n")
            handle.writelines(f"r{i},{TEXTS[i % 4]} {i}\n" for i in range(rows))
        tracemalloc.start()
        try:
            predict_file(store, project, "latest", inp, tmp_path / f"out{rows}.parquet")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(3_000), peak(60_000)
    assert large < 16 * 2**20  # a fixed bound: batches in flight and one row group
    assert large < small * 1.5 + 2**20  # twenty times the rows, about the same memory
