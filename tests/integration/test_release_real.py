"""Releasing real YouTube comments grouped by video, then loading them like users do."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import shared_data
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import SPLITS, create_release, load_release

pytestmark = pytest.mark.integration


@pytest.fixture
def youtube_release(project, store):
    path = shared_data("raw", "youtube_spam", "Youtube-Spam-Dataset.csv")
    imported = import_file(store, project, path, ImportOptions(
        text_col="CONTENT", label_col="CLASS", meta_cols=["VIDEO_NAME", "AUTHOR"],
        id_col="COMMENT_ID", label_map={"1": "spam", "0": "ham"}, add_labels=True))
    info = create_release(store, project, group_field="VIDEO_NAME")
    return imported, info


def test_no_video_is_in_two_splits_and_every_split_has_rows(youtube_release) -> None:
    imported, info = youtube_release
    frames = {s: pd.read_parquet(info.path / f"{s}.parquet") for s in SPLITS}
    assert sum(len(f) for f in frames.values()) == imported.records_new == info.rows
    videos = {s: set(f["VIDEO_NAME"]) for s, f in frames.items()}
    assert all(videos[s] for s in SPLITS)
    assert not videos["train"] & videos["validation"]
    assert not videos["train"] & videos["test"]
    assert not videos["validation"] & videos["test"]
    assert all(set(f["label"]) == {"spam", "ham"} for f in frames.values())
    assert any("under more than one 'VIDEO_NAME' value" in w for w in info.warnings)


def test_the_release_loads_with_datasets_and_textloop(youtube_release, store, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    _, info = youtube_release
    files = {s: str(info.path / f"{s}.parquet") for s in SPLITS}
    loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "c"))
    assert {s: loaded[s].num_rows for s in SPLITS} == info.counts
    assert set(loaded["test"]["label"]) == {"spam", "ham"}
    from_card = datasets.load_dataset(str(info.path), cache_dir=str(tmp_path / "card"))
    assert from_card["train"].features["label"].names == ["spam", "ham"]
    assert from_card["train"].num_rows == info.counts["train"]
    data = load_release(store)
    assert data.labels == ["spam", "ham"]
    assert {s: len(data.splits[s]) for s in SPLITS} == info.counts
    assert data.test.labels == list(pd.read_parquet(files["test"])["label"])
