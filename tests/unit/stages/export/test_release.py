"""A released span project written in each export format reads back, through the span
readers, to the same spans per text; token formats report what they had to widen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textloop.config import Label
from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.conll import read_conll
from textloop.spans.doccano import read_doccano
from textloop.spans.jsonl import read_jsonl
from textloop.spans.label_studio import read_label_studio
from textloop.stages.export import export_release
from textloop.stages.ingest import ImportOptions, ReadOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.storage import Store
from textloop.tasks import SPANS

SPAN_FILES = [fmt for fmt, writer in SPANS.export_formats.items() if writer.startswith("spans-")]

NAMES = ["Ana", "Bob", "Carol", "Dmitri", "Eun-ji"]
ORGS = ["Acme Corp", "Initech", "삼성전자", "O'Reilly Media"]


def _rows() -> list[dict]:
    rows = []
    for i in range(40):
        name, org = NAMES[i % len(NAMES)], ORGS[i % len(ORGS)]
        text = f"{name} joined {org} in {1990 + i}"
        start = len(name) + len(" joined ")
        spans = [{"start": 0, "end": len(name), "label": "PER"},
                 {"start": start, "end": start + len(org), "label": "ORG"}]
        rows.append({"text": text, "spans": spans if i % 7 else []})
    return rows


def _project(tmp_path: Path, rows: list[dict]):
    project = init_project(tmp_path / "ner", labels=[Label(name="PER"), Label(name="ORG")],
                           task="spans")
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    store = Store.for_project(project)
    import_file(store, project, path, ImportOptions(read=ReadOptions(format="spans-jsonl")))
    create_release(store, project)
    return project, store


@pytest.fixture
def released(tmp_path: Path):
    _, store = _project(tmp_path, _rows())
    with store:
        yield store


def _read(fmt: str, path: Path) -> dict[str, list[Span]]:
    if fmt == "hf":
        from textloop.spans.hf import read_hf

        records = read_hf(path)
    else:
        reader = {"conll": read_conll, "jsonl": read_jsonl, "doccano": read_doccano,
                  "label-studio": read_label_studio}[fmt]
        records = reader(path)
    return {r.text: r.spans for r in records}


@pytest.mark.parametrize("fmt", SPAN_FILES)
def test_every_span_file_format_reads_back_to_the_release_spans(released, tmp_path, fmt) -> None:
    if fmt == "hf":
        pytest.importorskip("datasets")
    data = load_release(released, "latest")
    result = export_release(released, "v1", fmt, tmp_path / "out")
    assert set(result.files) == {n for n, s in data.splits.items() if len(s)}
    for name, path in result.files.items():
        split = data.splits[name]
        expected = {t: [Span(**s) for s in json.loads(v)]
                    for t, v in zip(split.texts, split.labels, strict=True)}
        assert _read(fmt, path) == expected
        assert result.records[name] == len(split)
    assert (result.widened, result.dropped) == (0, 0)
    if fmt in ("conll", "hf"):
        assert (result.scheme, result.tokenizer) == ("IOB2", "whitespace")
    else:
        assert result.tokenizer is None
    assert result.to_dict()["files"]["train"].endswith(("train.conll", "train.jsonl",
                                                        "train.json", "train"))


def test_hf_folder_loads_with_datasets(released, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    result = export_release(released, "v1", "hf", tmp_path / "out")
    loaded = datasets.load_from_disk(str(result.files["train"]))
    assert loaded.column_names == ["tokens", "ner_tags"]
    assert len(loaded) == result.records["train"]
    assert "B-ORG" in loaded.features["ner_tags"].feature.names


def test_spans_inside_words_use_word_tokens_and_widened_spans_are_counted(tmp_path) -> None:
    rows = [{"text": f"김철수는 삼성전자에 다닌다 {i}",
             "spans": [{"start": 0, "end": 3, "label": "PER"},
                       {"start": 5, "end": 9, "label": "ORG"}]} for i in range(20)]
    rows += [{"text": f"Acmeville mayor {i}", "spans": [{"start": 0, "end": 4,
                                                         "label": "ORG"}]} for i in range(20)]
    _, store = _project(tmp_path, rows)
    with store:
        result = export_release(store, "v1", "conll", tmp_path / "out")
    assert result.tokenizer == "words"  # Korean particles sit inside whitespace tokens
    assert result.widened == 20  # "Acme" of "Acmeville" is one word token
    assert "'Acme' -> 0-9 'Acmeville'" in (result.first_misaligned or "")


def test_a_classification_release_is_refused(project, store, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text,label\n" + "".join(f"win cash {i},spam\nhello mum {i},ham\n"
                                             for i in range(20)), encoding="utf-8")
    import_file(store, project, path, ImportOptions())
    create_release(store, project)
    with pytest.raises(InvalidInputError, match="v1 is a classification release: format "
                                                "'conll' does not apply") as err:
        export_release(store, "v1", "conll", tmp_path / "out")
    assert "jsonl, csv, parquet, hf, tfrecord" in err.value.hint
    assert not (tmp_path / "out").exists()
