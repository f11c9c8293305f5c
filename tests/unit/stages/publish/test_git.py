"""Publishing to a git repository with LFS: a local bare repository, cloned back with
``git clone`` + ``git lfs pull`` to the same bytes; a push the remote refuses leaves no
version behind, and the retry publishes it whole."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.stages.publish.conftest import rows
from textloop.artifacts import sha256_file
from textloop.stages.publish import parse_target, publish_release
from textloop.stages.release import create_release

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or subprocess.run(["git", "lfs", "version"],
                                                   capture_output=True).returncode != 0,
    reason="git-lfs is not installed (run scripts/install-git-lfs.sh)")


def git(cwd: Path | None, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def bare(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    git(None, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    return remote


def clone(remote: Path, into: Path, tag: str) -> Path:
    git(None, "-c", "filter.lfs.smudge=", "-c", "filter.lfs.process=",
        "-c", "filter.lfs.required=false", "clone", "--quiet", "--branch", tag,
        f"file://{remote}", str(into))
    git(into, "lfs", "install", "--local")
    git(into, "lfs", "pull")
    return into


def test_a_release_goes_to_git_with_lfs_and_clones_back_the_same(
        store, licensed, add, tmp_path) -> None:
    add(rows(30))
    create_release(store, licensed)
    remote = bare(tmp_path)
    target = parse_target(f"git+file://{remote}")
    planned = publish_release(store, licensed, "v1", target, dry_run=True)
    assert git(remote, "tag") == ""  # the dry run sent nothing
    done = publish_release(store, licensed, "v1", target)
    assert done.location == f"file://{remote}@v1" and done.commit
    assert git(remote, "tag").split() == ["v1"]
    # in git itself, the data files are LFS pointers; their content is in the LFS store
    pointer = git(remote, "show", "v1:train.parquet")
    assert pointer.startswith("version https://git-lfs.github.com/spec/v1")
    copy = clone(remote, tmp_path / "copy", "v1")
    sent = {f.path: f.sha256 for f in done.files}
    assert [f.path for f in planned.files] == [f.path for f in done.files] == [
        ".gitattributes", "README.md", "dataset.yaml", "test.parquet", "train.parquet",
        "validation.parquet"]
    assert {p: sha256_file(copy / p) for p in sent} == sent
    assert set(git(copy, "lfs", "ls-files", "--name-only").split()) == {
        "test.parquet", "train.parquet", "validation.parquet"}
    # the same version again sends nothing; the next release is a new commit and tag
    again = publish_release(store, licensed, "v1", target)
    assert again.already and git(remote, "tag").split() == ["v1"]
    add(rows(5, prefix="later"))
    create_release(store, licensed)
    publish_release(store, licensed, "v2", target)
    assert git(remote, "tag").split() == ["v1", "v2"]
    assert git(remote, "rev-list", "--count", "main").strip() == "2"


def test_a_refused_push_leaves_no_version_and_the_retry_publishes_it(
        store, licensed, add, tmp_path) -> None:
    add(rows(30))
    create_release(store, licensed)
    remote = bare(tmp_path)
    marker = tmp_path / "failed-once"
    hook = remote / "hooks" / "pre-receive"
    # the remote refuses the first push after the LFS objects arrived (a dropped link)
    hook.write_text(f"#!/bin/sh\nif [ ! -e {marker} ]; then touch {marker}; "
                    "echo 'connection lost' >&2; exit 1; fi\nexit 0\n")
    hook.chmod(0o755)
    target = parse_target(f"git+file://{remote}")
    with pytest.raises(Exception, match="connection lost"):
        publish_release(store, licensed, "v1", target)
    assert marker.exists()
    assert git(remote, "tag") == "" and git(remote, "branch") == ""  # nothing half-made
    done = publish_release(store, licensed, "v1", target)
    copy = clone(remote, tmp_path / "copy", "v1")
    assert {f.path: sha256_file(copy / f.path) for f in done.files} == {
        f.path: f.sha256 for f in done.files}


def test_files_others_put_in_the_repository_stay(store, licensed, add, tmp_path) -> None:
    remote = bare(tmp_path)
    seed = tmp_path / "seed"
    git(None, "clone", "--quiet", f"file://{remote}", str(seed))
    (seed / "LICENSE").write_text("CC-BY-4.0 text\n")
    git(seed, "add", "LICENSE")
    git(seed, "-c", "user.name=ana", "-c", "user.email=ana@localhost", "commit", "--quiet",
        "-m", "license")
    git(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    add(rows(20))
    create_release(store, licensed)
    publish_release(store, licensed, "v1", parse_target(f"git+file://{remote}"))
    assert set(git(remote, "ls-tree", "--name-only", "v1").split()) == {
        ".gitattributes", "LICENSE", "README.md", "dataset.yaml", "test.parquet",
        "train.parquet", "validation.parquet"}
