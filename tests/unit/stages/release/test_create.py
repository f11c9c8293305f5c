"""Creating releases: files, catalog, immutability, stickiness, diff, and refusals."""

from __future__ import annotations

import json
import stat

import pandas as pd
import pytest
import yaml

from tests.unit.stages.release.conftest import relabel, spam_ham
from textloop.config import ReleaseSettings
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages.release import SPLITS, create_release
from textloop.stages.release import create as create_module
from textloop.storage import releases
from textloop.storage.artifacts import sha256_file

RELEASE_FILES = {"train.parquet", "validation.parquet", "test.parquet", "README.md",
                 "diff.json", "dataset.yaml", "manifest.json"}


def _split_of(path) -> dict[str, str]:
    return {rid: split for split in SPLITS
            for rid in pd.read_parquet(path / f"{split}.parquet")["id"]}


def _front_matter(path) -> dict:
    return yaml.safe_load((path / "README.md").read_text().split("\n---\n")[0][4:])


def test_first_release_writes_read_only_files_manifest_and_catalog(project, store,
                                                                    add_rows) -> None:
    ids = add_rows(spam_ham(50))
    info = create_release(store, project, message="first cut")
    assert (info.id, info.number, info.parent) == ("v1", 1, None)
    assert info.path == store.path_for("releases", "v1")
    assert {p.name for p in info.path.iterdir()} == RELEASE_FILES
    assert all(not p.stat().st_mode & stat.S_IWUSR for p in info.path.iterdir())
    manifest = json.loads((info.path / "manifest.json").read_text())
    assert set(manifest["files"]) == RELEASE_FILES - {"manifest.json"}
    assert manifest["files"]["train.parquet"]["sha256"] == sha256_file(info.path /
                                                                        "train.parquet")
    assert (manifest["release"], manifest["seed"], manifest["message"]) == ("v1", 13, "first cut")
    assert manifest["labels"] == ["spam", "ham"]
    assert info.counts == manifest["counts"] and sum(info.counts.values()) == 50
    assert info.label_counts["spam"] == {s: info.counts[s] // 2 for s in SPLITS}
    with store.read() as conn:
        entry = releases.get(conn, "v1")
        rows = releases.rows(conn, "v1")
    assert entry["manifest_sha256"] == info.manifest_sha256 == sha256_file(
        info.path / "manifest.json")
    assert sorted(r for r, _, _ in rows) == sorted(ids)
    assert dict((r, s) for r, s, _ in rows) == _split_of(info.path)


def test_parquet_files_hold_text_label_metadata_and_provenance(project, store, add_rows) -> None:
    add_rows([{"text": f"hello {i}", "label": "ham", "author": f"a{i}", "likes": i}
              for i in range(20)], name="comments")
    info = create_release(store, project)
    frame = pd.concat(pd.read_parquet(info.path / f"{s}.parquet") for s in SPLITS)
    assert list(frame.columns) == ["id", "text", "label", "author", "likes", "source_kind",
                                   "source_ref", "label_kind"]
    assert frame["likes"].dtype.kind == "i"
    assert set(frame["label_kind"]) == {"import"} and set(frame["source_kind"]) == {"file"}
    assert frame["source_ref"].str.contains("comments-").all()
    train = pd.read_parquet(info.path / "train.parquet")
    assert list(train["id"]) == sorted(train["id"])


def test_an_empty_store_is_refused_with_a_hint(project, store) -> None:
    with pytest.raises(InvalidInputError) as caught:
        create_release(store, project)
    assert "no labeled records" in caught.value.message
    assert "textloop import FILE --label-col COLUMN" in caught.value.hint
    assert not store.path_for("releases", "v1").exists()


def test_a_second_release_is_v2_and_leaves_v1_untouched(project, store, add_rows) -> None:
    add_rows(spam_ham(40))
    v1 = create_release(store, project)
    before = {p.name: sha256_file(p) for p in v1.path.iterdir()}
    add_rows(spam_ham(10, prefix="later"))
    v2 = create_release(store, project)
    assert (v2.id, v2.parent) == ("v2", "v1")
    assert {p.name: sha256_file(p) for p in v1.path.iterdir()} == before
    assert sum(v2.counts.values()) == 50


def test_records_keep_their_split_across_releases(project, store, add_rows) -> None:
    add_rows(spam_ham(60))
    v1 = create_release(store, project)
    add_rows(spam_ham(40, prefix="new batch"))
    v2 = create_release(store, project, seed=99)
    first, second = _split_of(v1.path), _split_of(v2.path)
    assert all(second[rid] == split for rid, split in first.items())
    assert v2.diff_counts["moved"] == 0


def test_diff_reports_added_and_relabeled_rows(project, store, add_rows) -> None:
    ids = add_rows(spam_ham(30))
    create_release(store, project)
    new_ids = add_rows(spam_ham(5, prefix="fresh"))
    ham_id = ids[0]  # "message number 0" is ham
    relabel(store, ham_id, "spam")
    v2 = create_release(store, project)
    diff = json.loads((v2.path / "diff.json").read_text())
    assert diff["parent"] == "v1"
    assert diff["added"] == sorted(new_ids)
    assert diff["removed"] == [] and diff["moved"] == []
    assert diff["relabeled"] == [{"id": ham_id, "old": "ham", "new": "spam"}]
    assert diff["counts"] == {"added": 5, "removed": 0, "relabeled": 1, "moved": 0,
                              "unchanged": 29}
    assert v2.diff_summary == "vs v1: +5 added, -0 removed, 1 relabeled"
    assert "vs v1: +5 added" in (v2.path / "README.md").read_text()


def test_an_unchanged_release_is_allowed_and_says_so(project, store, add_rows) -> None:
    add_rows(spam_ham(20))
    create_release(store, project)
    v2 = create_release(store, project)
    assert v2.diff_summary == "no changes since v1"
    assert v2.diff_counts["unchanged"] == 20


def test_group_column_keeps_groups_in_one_split(project, store, add_rows) -> None:
    rows = [{"text": f"comment {i}", "label": "spam" if i % 3 else "ham",
             "video": f"video{i % 12}" if i % 10 else None} for i in range(120)]
    add_rows(rows)
    info = create_release(store, project, group_field="video")
    frame = pd.concat(pd.read_parquet(info.path / f"{s}.parquet").assign(split=s)
                      for s in SPLITS)
    per_video = frame.dropna(subset=["video"]).groupby("video")["split"].nunique()
    assert (per_video == 1).all() and len(per_video) == 12
    assert any("12 records have no 'video' value" in w for w in info.warnings)
    assert json.loads((info.path / "manifest.json").read_text())["group_field"] == "video"
    assert "`video`" in (info.path / "README.md").read_text()


def test_an_unknown_group_column_is_refused(project, store, add_rows) -> None:
    add_rows([{"text": "a", "label": "spam", "author": "x"}])
    with pytest.raises(InvalidInputError) as caught:
        create_release(store, project, group_field="movie_name")
    assert "author" in caught.value.message and "--group-col" in caught.value.hint


def test_zero_validation_fraction_writes_an_empty_validation_file(project, store,
                                                                  add_rows) -> None:
    project.spec.release = ReleaseSettings(train=0.8, validation=0.0, test=0.2)
    add_rows(spam_ham(30))
    info = create_release(store, project)
    assert info.counts["validation"] == 0
    assert len(pd.read_parquet(info.path / "validation.parquet")) == 0
    files = _front_matter(info.path)["configs"][0]["data_files"]
    assert [f["split"] for f in files] == ["train", "test"]


def test_tiny_labels_do_not_crash_and_are_reported(project, store, add_rows) -> None:
    add_rows([*spam_ham(40, prefix="common"), {"text": "rare one", "label": "rare"}])
    info = create_release(store, project)
    assert info.labels == ["spam", "ham", "rare"]
    assert sum(info.label_counts["rare"].values()) == 1
    assert any(w.startswith("label 'rare' has no records in") for w in info.warnings)


def test_a_label_missing_from_the_spec_is_released_last_with_a_warning(project, store,
                                                                       add_rows) -> None:
    ids = add_rows(spam_ham(10))
    relabel(store, ids[0], "unsure")
    info = create_release(store, project)
    assert info.labels == ["spam", "ham", "unsure"]
    assert any("'unsure'" in w and "textloop.yaml" in w for w in info.warnings)


def test_a_leftover_folder_is_a_conflict_and_is_left_alone(project, store, add_rows) -> None:
    add_rows(spam_ham(10))
    leftover = store.path_for("releases", "v1")
    leftover.mkdir(parents=True)
    (leftover / "partial.txt").write_text("x")
    with pytest.raises(ConflictError) as caught:
        create_release(store, project)
    assert "delete it" in caught.value.hint
    assert (leftover / "partial.txt").read_text() == "x"


def test_a_concurrent_release_makes_this_one_fail_cleanly(project, store, add_rows,
                                                          monkeypatch) -> None:
    add_rows(spam_ham(10))
    real_write = create_module._write

    def write_then_lose_the_race(folder, *args):
        sha = real_write(folder, *args)
        with store.write() as conn:  # another process catalogues v1 first
            releases.add(conn, release_id="v1", number=1, parent_id=None,
                         path="elsewhere/v1", manifest_sha256="0" * 64, config={}, stats={},
                         rows=[])
        return sha

    monkeypatch.setattr(create_module, "_write", write_then_lose_the_race)
    with pytest.raises(ConflictError) as caught:
        create_release(store, project)
    assert "run the command again" in caught.value.hint
    assert not store.path_for("releases", "v1").exists()


def test_a_failed_catalog_write_removes_the_folder(project, store, add_rows,
                                                   monkeypatch) -> None:
    add_rows(spam_ham(10))

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(create_module.releases, "add_next", broken)
    with pytest.raises(RuntimeError):
        create_release(store, project)
    assert not store.path_for("releases", "v1").exists()
    with store.read() as conn:
        assert releases.list_all(conn) == []


# --- splits pinned at import ----------------------------------------------------------------

def test_pinned_test_rows_are_the_test_split_of_every_release(project, store, add_rows) -> None:
    train = add_rows(spam_ham(60), name="train")
    test = add_rows(spam_ham(12, prefix="official"), name="test", split="test")
    first = create_release(store, project)
    add_rows(spam_ham(40, prefix="later"), name="more")
    second = create_release(store, project)
    for info in (first, second):
        split = _split_of(info.path)
        assert sorted(r for r, s in split.items() if s == "test") == sorted(test)
        assert {split[r] for r in train} <= {"train", "validation"}
    assert (first.counts["test"], second.counts["test"]) == (12, 12)
    card = (second.path / "README.md").read_text()
    assert "test: 12 rows pinned at import (file test-1.jsonl)" in card
    described = yaml.safe_load((second.path / "dataset.yaml").read_text())
    assert described["splitting"]["pinned"] == [
        {"split": "test", "source": "test-1.jsonl", "records": 12}]
    assert "pinned at import" in described["splitting"]["method"]


def test_a_pin_to_train_of_a_held_out_row_refuses_the_release(project, store, add_rows,
                                                                tmp_path) -> None:
    add_rows(spam_ham(40))
    first = create_release(store, project)
    held_out = next(r for r, s in _split_of(first.path).items() if s == "test")
    text = pd.read_parquet(first.path / "test.parquet").set_index("id").loc[held_out, "text"]
    path = tmp_path / "again.csv"
    path.write_text(f"text,label\n{text},ham\n", encoding="utf-8")
    from textloop.stages.ingest import ImportOptions, import_file

    import_file(store, project, path, ImportOptions(split="train"))
    with pytest.raises(ConflictError, match=f"record {held_out} is pinned to train, but v1 "
                                            "held it out in test"):
        create_release(store, project)
    with store.read() as conn:
        assert [r["id"] for r in releases.list_all(conn)] == ["v1"]
    assert not store.path_for("releases", "v2").exists()


def test_a_regression_release_honours_pins_and_states_them(tmp_path) -> None:
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.stages.release.dataset_yaml import verify_dataset_yaml
    from textloop.storage import Store

    project = init_project(tmp_path / "reg", task="regression")
    rows, test = tmp_path / "rows.jsonl", tmp_path / "test.jsonl"
    rows.write_text("".join(f'{{"text": "review {i}", "label": {i / 10}}}\n' for i in range(30)))
    test.write_text("".join(f'{{"text": "held {i}", "label": {i}}}\n' for i in range(5)))
    with Store.for_project(project) as store:
        import_file(store, project, rows, ImportOptions(text_col="text", label_col="label"))
        import_file(store, project, test, ImportOptions(text_col="text", label_col="label",
                                                        split="test"))
        info = create_release(store, project)
    texts = pd.read_parquet(info.path / "test.parquet")["text"]
    assert sorted(texts) == [f"held {i}" for i in range(5)]
    body = verify_dataset_yaml(info.path)
    assert body["target"]["splits"]["test"]["n"] == 5
    assert body["splitting"]["pinned"] == [{"split": "test", "source": "test.jsonl",
                                            "records": 5}]
