"""``clean`` and ``suggest`` on real SMS texts give on a two-node Ray cluster what they give
locally: the same findings (label issues, near-duplicates from sharded MinHash signatures,
outliers) for the same seed, and the same records queued."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from tests.integration.test_clean_real import noisy_sms
from tests.unit.stages.clean.clean_fixtures import clean_here_and_on_ray, seen
from textloop.config import Label
from textloop.executors import executor_for
from textloop.stages.active_learn import suggest
from textloop.stages.clean import CleanOptions
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store

pytestmark = [pytest.mark.integration, pytest.mark.model, pytest.mark.slow]
ROWS = 600


def _subset(path, tmp_path, labeled: bool):
    lines = path.read_text(encoding="utf-8").splitlines()
    out = tmp_path / ("labeled.jsonl" if labeled else "pool.jsonl")
    part = lines[:ROWS] if labeled else lines[ROWS:2 * ROWS]
    if not labeled:
        import json

        part = [json.dumps({"text": json.loads(line)["text"]}) for line in part]
    out.write_text("\n".join(part) + "\n", encoding="utf-8")
    return out


def test_clean_on_ray_finds_what_local_finds(project, store, tmp_path, ray_cluster,
                                             monkeypatch) -> None:
    path, _ = noisy_sms(shared_data("sms_spam.jsonl.gz"), tmp_path)
    import_file(store, project, _subset(path, tmp_path, labeled=True), ImportOptions())
    monkeypatch.setattr("textloop.stages.clean.minhash.SHARD", 100)  # 6 signature shards
    local, remote = clean_here_and_on_ray(store, project, CleanOptions(seed=1), ray_cluster)
    assert any(f.kind == "label_issue" for f in local.findings)
    assert local.duplicate_counts.get("near", 0) > 0  # the shards found near-duplicates
    assert seen(remote) == seen(local)
    assert remote.duplicate_counts == local.duplicate_counts


def test_suggest_on_ray_queues_what_local_queues(project, store, tmp_path,
                                                  ray_cluster) -> None:
    path, _ = noisy_sms(shared_data("sms_spam.jsonl.gz"), tmp_path)
    files = [_subset(path, tmp_path, labeled=True), _subset(path, tmp_path, labeled=False)]
    twin = init_project(tmp_path / "twin", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(twin) as twin_store:
        for file in files:
            import_file(store, project, file, ImportOptions())
            import_file(twin_store, twin, file, ImportOptions())
        local = suggest(store, project, strategy="margin", batch=20, executor="local")
        with executor_for("ray", address=ray_cluster) as ray:
            remote = suggest(twin_store, twin, strategy="margin", batch=20, executor=ray)
    assert remote.pool_size == local.pool_size == ROWS
    assert remote.record_ids == local.record_ids
