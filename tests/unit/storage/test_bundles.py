"""Bundle folders: atomic, verified, and never unpickled."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from textloop.errors import ConflictError, IntegrityError
from textloop.storage.artifacts import write_manifest
from textloop.storage.bundles import ARRAYS, BUNDLE_JSON, load_bundle, save_bundle
from textloop.types import BundleContents


def contents() -> BundleContents:
    return BundleContents({"coef": np.arange(6, dtype=np.float64).reshape(2, 3)},
                          {"format": "textloop.bundle", "labels": ["a", "b"]})


def test_save_and_load(tmp_path: Path) -> None:
    sha = save_bundle(tmp_path / "b", contents())
    loaded = load_bundle(tmp_path / "b", sha)
    np.testing.assert_array_equal(loaded.arrays["coef"], contents().arrays["coef"])
    assert loaded.meta["labels"] == ["a", "b"]
    assert not list(tmp_path.glob(".b.tmp-*"))


def test_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    save_bundle(tmp_path / "b", contents())
    with pytest.raises(ConflictError):
        save_bundle(tmp_path / "b", contents())


def test_tampered_file_is_refused(tmp_path: Path) -> None:
    sha = save_bundle(tmp_path / "b", contents())
    meta_path = tmp_path / "b" / BUNDLE_JSON
    meta = json.loads(meta_path.read_text())
    meta["labels"] = ["b", "a"]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IntegrityError, match="checksum mismatch"):
        load_bundle(tmp_path / "b", sha)


def test_rewritten_manifest_is_caught_by_the_recorded_hash(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    sha = save_bundle(folder, contents())
    (folder / BUNDLE_JSON).write_text('{"format": "textloop.bundle", "labels": ["x"]}')
    write_manifest(folder, {"kind": "model-bundle"})  # an attacker re-hashes everything
    with pytest.raises(IntegrityError, match="differs from the copy recorded"):
        load_bundle(folder, sha)


def test_pickled_arrays_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    np.savez(folder / ARRAYS, coef=np.array([{"evil": 1}], dtype=object))
    (folder / BUNDLE_JSON).write_text("{}")
    write_manifest(folder)
    with pytest.raises(IntegrityError, match="pickled or damaged"):
        load_bundle(folder)


def test_extra_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    save_bundle(folder, contents())
    (folder / "payload.pkl").write_bytes(pickle.dumps(1))
    with pytest.raises(IntegrityError, match="unexpected files"):
        load_bundle(folder)
