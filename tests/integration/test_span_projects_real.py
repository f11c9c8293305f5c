"""Real span corpora through a span project: CoNLL files import with the importer (scheme
detected, labels added), release, export in every format, and import into a fresh project
with the same spans per text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_data
from textloop.config import Project
from textloop.spans import decode_spans
from textloop.stages.export import export_release
from textloop.stages.ingest import ImportOptions, ReadOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.storage import Store, annotation_log, records
from textloop.tasks import SPANS

pytestmark = pytest.mark.integration

_IMPORT_AS = {"conll": "conll", "jsonl": "spans-jsonl", "doccano": "doccano",
              "label-studio": "label-studio", "hf": "hf-tokens", "parquet": "parquet",
              "csv": "csv"}


def _span_project(root: Path) -> Project:
    return init_project(root, labels=[], task="spans")


def _import(store: Store, project: Project, path: Path, fmt: str | None = None):
    table = fmt in ("parquet", "csv")  # the release table: spans in its `spans` column
    return import_file(store, project, path, ImportOptions(
        add_labels=True, label_col="spans" if table else None, read=ReadOptions(format=fmt)))


def _stored(store: Store) -> dict[str, str]:
    with store.read() as conn:
        by_id = {r.id: r.text for r in records.iter_all(conn)}
        return {by_id[rid]: value for rid, value, _, _ in annotation_log.iter_votes(conn)}


@pytest.mark.parametrize(("name", "labels", "scheme"), [
    ("wnut17/dev.conll", {"person", "location", "group", "corporation", "product",
                          "creative-work"}, "IOB2"),
    ("btc/e.conll", {"PER", "ORG", "LOC"}, "IOB2")])
def test_a_conll_corpus_imports_and_releases(tmp_path, name, labels, scheme) -> None:
    path = shared_data("spans", *name.split("/"))
    project = _span_project(tmp_path / "p")
    with Store.for_project(project) as store:
        result = _import(store, project, path)
        assert result.format == "conll" and result.span_reading["scheme"] == scheme
        assert set(result.new_labels) == labels
        assert result.records_new > 150
        again = _import(store, project, path)
        assert (again.records_new, again.annotations_new) == (0, 0)
        info = create_release(store, project)
        data = load_release(store, info.id)
    assert sum(len(s) for s in data.splits.values()) == result.records_new
    assert {s.label for split in data.splits.values() for v in split.labels
            for s in decode_spans(v)} == labels


def test_wnut17_dev_round_trips_through_every_export_format(tmp_path) -> None:
    if "hf" in SPANS.export_formats:
        pytest.importorskip("datasets")
    path = shared_data("spans", "wnut17", "dev.conll")
    project = _span_project(tmp_path / "p")
    with Store.for_project(project) as store:
        _import(store, project, path)
        create_release(store, project)
        data = load_release(store, "v1")
        exports = {fmt: export_release(store, "v1", fmt, tmp_path / fmt)
                   for fmt in SPANS.export_formats}
    released = {t: json.loads(v) for split in data.splits.values()
                for t, v in zip(split.texts, split.labels, strict=True)}
    for fmt, result in exports.items():
        assert (result.widened, result.dropped) == (0, 0), fmt
        fresh = _span_project(tmp_path / f"fresh-{fmt}")
        with Store.for_project(fresh) as store:
            for file in result.files.values():
                _import(store, fresh, file, _IMPORT_AS[fmt])
            back = {t: json.loads(v) for t, v in _stored(store).items()}
        assert back == released, fmt
