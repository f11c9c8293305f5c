"""Loading a release: exact round trip, and refusal of anything changed on disk."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.unit.stages.release.conftest import spam_ham
from textloop.errors import IntegrityError, NotFoundError
from textloop.stages.release import SPLITS, create_release, load_release
from textloop.storage.artifacts import sha256_file


def _writable(path: Path) -> Path:
    path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return path


@pytest.fixture
def released(project, store, add_rows):
    add_rows([{**row, "author": f"a{i % 4}"} for i, row in enumerate(spam_ham(40))])
    return create_release(store, project)


def test_load_returns_every_row_once_with_label_and_metadata(store, released) -> None:
    data = load_release(store)
    assert (data.id, data.number, data.parent) == ("v1", 1, None)
    assert data.labels == ["spam", "ham"]
    assert {s: len(data.splits[s]) for s in SPLITS} == released.counts
    ids = [i for s in SPLITS for i in data.splits[s].ids]
    assert len(ids) == len(set(ids)) == 40
    train = data.train
    row = train.texts.index(next(t for t in train.texts if t.endswith(" 3")))
    assert (train.labels[row], train.meta[row]) == ("spam", {"author": "a3"})
    assert train.ids == sorted(train.ids)


def test_latest_and_explicit_ids_resolve(project, store, released, add_rows) -> None:
    add_rows(spam_ham(5, prefix="more"))
    create_release(store, project)
    assert load_release(store).id == "v2"
    assert load_release(store, "v1").id == "v1"
    with pytest.raises(NotFoundError):
        load_release(store, "v9")


def test_a_changed_data_file_is_refused_by_name(store, released) -> None:
    target = _writable(released.path / "train.parquet")
    with target.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(IntegrityError) as caught:
        load_release(store)
    assert "train.parquet" in caught.value.message


def test_a_changed_manifest_is_refused_even_when_it_matches_the_files(store, released) -> None:
    target = _writable(released.path / "test.parquet")
    target.write_bytes(target.read_bytes() + b"\0")
    manifest_path = _writable(released.path / "manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["test.parquet"]["sha256"] = sha256_file(target)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError) as caught:
        load_release(store)
    assert "manifest.json" in caught.value.message


def test_an_added_file_is_refused(store, released) -> None:
    _writable(released.path)
    (released.path / "extra.parquet").write_bytes(b"x")
    with pytest.raises(IntegrityError) as caught:
        load_release(store)
    assert "extra.parquet" in caught.value.message


def test_a_missing_folder_is_refused(store, released) -> None:
    released.path.rename(released.path.with_name("moved"))
    with pytest.raises(IntegrityError) as caught:
        load_release(store)
    assert "missing" in caught.value.message
