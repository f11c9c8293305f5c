"""The release ``textloop demo`` makes, taken out of the project the way a user would: every
export format written and imported back, then published to a local Hub and to a local git
repository with LFS and loaded back from each. Only the command line is used, except to
read what came back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.stages.publish.hub_server import download
from tests.unit.stages.publish.test_git import bare, clone
from textloop.artifacts import sha256_file
from textloop.cli.main import app
from textloop.config import find_project, load_spec, write_spec
from textloop.stages.label.resolution import labeled_records
from textloop.stages.release import load_release
from textloop.storage import Store
from textloop.tasks import get_task

runner = CliRunner()
FORMATS = ("jsonl", "csv", "parquet", "hf", "tfrecord")


def cli(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The built-in default demo (the pinned corpus): its project and release, no model
    (what is exported and published here is the release; training would only cost time)."""
    root = tmp_path_factory.mktemp("demo") / "textloop-demo"
    cli("demo", "--dir", str(root), "--models", "none")
    return root


def _released(root: Path) -> dict[str, dict[str, str]]:
    """Each split's records as id -> label, read from the release itself."""
    with Store.for_project(find_project(root)) as store:
        release = load_release(store, "v1")
    return {name: dict(zip(split.ids, split.labels, strict=True))
            for name, split in release.splits.items()}


def _stored(root: Path) -> dict[str, str]:
    """record id -> label as a project's store resolves them."""
    project = find_project(root)
    with Store.for_project(project) as store, store.read() as conn:
        return {r.id: r.label for r in labeled_records(conn, task=get_task(project.spec.task))}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_imports_back_to_the_same_records_and_labels(demo, tmp_path,
                                                                  fmt) -> None:
    out = tmp_path / fmt
    report = cli("--project", str(demo), "export", "release", "v1", "--format", fmt,
                 "--out", str(out))
    assert (out / "dataset.yaml").exists() and (out / "README.md").exists()
    released = _released(demo)
    labels = sorted(load_spec(demo / "textloop.yaml").label_names)
    for split, expected in released.items():
        copy = tmp_path / f"copy-{split}"
        cli("init", str(copy), "--labels", ",".join(labels))
        imported = cli("--project", str(copy), "import", report["files"][split])
        assert imported["records_new"] == imported["annotations_new"] == len(expected)
        assert _stored(copy) == expected


def test_published_to_a_local_hub_and_to_git_with_lfs_it_loads_back(demo, tmp_path,
                                                                     hub, monkeypatch) -> None:
    datasets = pytest.importorskip("datasets")
    root = ["--project", str(demo)]
    refused = runner.invoke(app, [*root, "publish", "release", "v1", "--to", str(tmp_path)])
    assert refused.exit_code != 0 and "release.license" in refused.output  # the gate
    spec = load_spec(demo / "textloop.yaml")
    spec.release.license = "CC-BY-4.0"
    write_spec(demo / "textloop.yaml", spec)
    released = _released(demo)

    done = cli(*root, "publish", "release", "v1", "--to", "hf://acme/demo-reviews")
    names = [f["path"] for f in done["files"]]
    folder = download(hub, "acme/demo-reviews", "v1", names, tmp_path / "cache")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    loaded = datasets.load_dataset(str(folder))
    for split, expected in released.items():  # the card declares label as a ClassLabel
        names = loaded[split].features["label"].int2str(loaded[split]["label"])
        assert dict(zip(loaded[split]["id"], names, strict=True)) == expected

    remote = bare(tmp_path)
    sent = cli(*root, "publish", "release", "v1", "--to", f"git+file://{remote}")
    copy = clone(remote, tmp_path / "clone", "v1")
    assert {f["path"]: sha256_file(copy / f["path"]) for f in sent["files"]} == {
        f["path"]: f["sha256"] for f in sent["files"]}
    from_git = datasets.load_dataset(str(copy))
    assert sorted(from_git["test"]["id"]) == sorted(released["test"])
