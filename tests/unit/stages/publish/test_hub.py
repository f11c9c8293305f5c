"""Publishing to the Hugging Face Hub with the real ``huggingface_hub`` client, against a
local Hub on 127.0.0.1 (``hub_server.py``); read back with ``hf_hub_download`` and
``datasets``. Nothing leaves the machine: the client's endpoint is the local server and
every request it received is checked to have come to it."""

from __future__ import annotations

import hashlib

import pytest

from tests.unit.stages.publish.conftest import rows
from tests.unit.stages.publish.hub_server import download
from textloop.artifacts import sha256_file
from textloop.errors import ExternalServiceError
from textloop.stages.publish import parse_target, publish_release
from textloop.stages.release import create_release, load_release


def test_a_release_goes_to_the_hub_private_tagged_and_loads_back(
        store, licensed, add, tmp_path, hub, monkeypatch) -> None:
    datasets = pytest.importorskip("datasets")
    add(rows(40))
    create_release(store, licensed)
    target = parse_target("hf://acme/reviews", endpoint=hub.url)
    done = publish_release(store, licensed, "v1", target)
    repo = hub.repos["acme/reviews"]
    assert repo.private and list(repo.tags) == ["v1"] and len(repo.commits) == 1
    assert done.commit == repo.tags["v1"]
    assert done.location == f"{hub.url}/datasets/acme/reviews/tree/v1"
    # parquet went through the LFS batch API and its upload URLs; the card in the commit
    assert {p for m, _, p in hub.requests if m == "PUT"} == {
        f"/lfs-upload/{f.sha256}" for f in done.files if f.path.endswith(".parquet")}
    names = [f.path for f in done.files]
    assert names == ["README.md", "dataset.yaml", "test.parquet", "train.parquet",
                     "validation.parquet"]
    folder = download(hub, "acme/reviews", "v1", names, tmp_path / "cache")
    assert {f.path: f.sha256 for f in done.files} == {n: sha256_file(folder / n) for n in names}
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    loaded = datasets.load_dataset(str(folder))
    release = load_release(store, "v1")
    for split in ("train", "validation", "test"):
        assert sorted(loaded[split]["id"]) == sorted(release.splits[split].ids)
    # publishing v1 again sends nothing; v2 is a new commit with its own tag
    again = publish_release(store, licensed, "v1", target)
    assert again.already and len(repo.commits) == 1
    add(rows(6, prefix="later"))
    create_release(store, licensed)
    publish_release(store, licensed, "v2", parse_target("hf://acme/reviews", endpoint=hub.url,
                                                        public=True))
    assert list(repo.tags) == ["v1", "v2"] and len(repo.commits) == 2
    assert repo.private  # --public only sets a new repository's visibility


def test_a_public_repository_on_request(store, licensed, add, hub) -> None:
    add(rows(20))
    create_release(store, licensed)
    publish_release(store, licensed, "v1",
                    parse_target("hf://acme/open", endpoint=hub.url, public=True))
    assert not hub.repos["acme/open"].private


def test_an_upload_interrupted_midway_leaves_no_version_and_the_retry_completes(
        store, licensed, add, hub) -> None:
    add(rows(40))
    create_release(store, licensed)
    target = parse_target("hf://acme/reviews", endpoint=hub.url)
    hub.fail_lfs_uploads = 1
    with pytest.raises(ExternalServiceError, match="run the command again"):
        publish_release(store, licensed, "v1", target)
    repo = hub.repos["acme/reviews"]
    assert repo.commits == [] and repo.tags == {}  # nothing half-published
    stored_before = set(hub.lfs)
    done = publish_release(store, licensed, "v1", target)
    assert list(repo.tags) == ["v1"] and len(repo.commits) == 1
    # the retry sent only what had not arrived
    sent_again = [p for m, _, p in hub.requests if m == "PUT"][-(3 - len(stored_before)):]
    assert not any(p.removeprefix("/lfs-upload/") in stored_before for p in sent_again)
    files = repo.files("v1")[1]
    assert {f.path: f.sha256 for f in done.files} == {
        p: hashlib.sha256(b).hexdigest() for p, b in files.items()}


def test_a_commit_left_untagged_is_tagged_by_the_retry_without_a_second_commit(
        store, licensed, add, hub) -> None:
    add(rows(30))
    create_release(store, licensed)
    target = parse_target("hf://acme/reviews", endpoint=hub.url)
    hub.fail_tags = 1
    with pytest.raises(ExternalServiceError):
        publish_release(store, licensed, "v1", target)
    repo = hub.repos["acme/reviews"]
    assert len(repo.commits) == 1 and repo.tags == {}  # committed, not yet a version
    done = publish_release(store, licensed, "v1", target)
    # every file is unchanged, so the client makes no second commit: the first is tagged
    assert len(repo.commits) == 1 and repo.tags == {"v1": repo.commits[0][0]}
    assert done.commit == repo.commits[0][0]
    assert len([p for m, _, p in hub.requests if m == "PUT"]) == 3  # parquet sent once
