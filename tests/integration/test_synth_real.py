"""``textloop synth`` end to end on 400 real SMS messages, through the CLI: a batch made by a
model-free generator, gated, evaluated, accepted and released into train only."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_data
from textloop.cli.main import app
from textloop.config import Label
from textloop.stages.project.init import init_project
from textloop.stages.synthesize.pool import load_pool
from textloop.storage import Store, releases

pytestmark = pytest.mark.integration
runner = CliRunner()


def sms(tmp_path: Path, n: int = 400) -> Path:
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(n)]
    path = tmp_path / "sms.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_swap_batch_on_sms_spam_from_generation_to_release(tmp_path: Path) -> None:
    project = init_project(tmp_path / "sms", labels=[Label(name="spam"), Label(name="ham")])

    def textloop(*args: str) -> str:
        result = runner.invoke(app, ["--project", str(project.root), *args],
                               env={"TEXTLOOP_USER": "ana"})
        assert result.exit_code == 0, result.output
        return result.stdout

    textloop("import", str(sms(tmp_path)))
    textloop("release")
    made = json.loads(textloop("synth", "--generator", "swap", "--no-embeddings",
                               "--per-class", "40", "--classes", "1", "--json"))
    assert made["batch"] == "s1" and [t["label"] for t in made["targets"]] == ["spam"]
    counts = made["counts"]["spam"]
    assert counts["generated"] == 40 and 0 < counts["accepted"] <= 40  # variants of seeds pass

    with Store.for_project(project) as store:
        pool = load_pool(store, project)
    items = json.loads(textloop("synth", "show", "s1", "--json"))["items"]
    train_ids = {r.id for r in pool.records} - pool.test_ids
    for item in items:  # provenance: generator, seeds outside test, sampling parameters
        assert item["generator"] == "textloop.synth.swap.v2" and item["params"]["seed"] == 0
        assert item["seed_ids"] and set(item["seed_ids"]) <= train_ids
    rejected = [i for i in items if i["status"] == "rejected"]
    assert len(rejected) == 40 - counts["accepted"]
    assert all(i["reason"] and i["detail"] for i in rejected)  # kept, with reasons

    evaluated = json.loads(textloop("synth", "evaluate", "s1", "--seeds", "2", "--json"))
    assert evaluated["decision"] in ("accepted", "held_back") and evaluated["reason"]
    stored = json.loads(textloop("synth", "show", "s1", "--json"))["batch"]
    assert stored["evaluation"]["macro_f1"] == evaluated["macro_f1"]
    assert (stored["decision"], stored["decided_by"]) == (evaluated["decision"], "evaluation")

    textloop("synth", "accept", "s1", "--reason", "read them all")
    textloop("release")
    v2 = project.store_dir / "releases" / "v2"
    card = (v2 / "README.md").read_text(encoding="utf-8")
    share = counts["accepted"] / (len(pool.records) + counts["accepted"])
    assert f"{counts['accepted']} records ({share:.1%}) were generated" in card
    assert "`textloop.synth.swap.v2`" in card
    manifest = json.loads((v2 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"]["rows"] == counts["accepted"]
    train = pd.read_parquet(v2 / "train.parquet")
    assert (train["source_kind"] == "synthetic").sum() == counts["accepted"]
    for split in ("validation", "test"):
        assert not (pd.read_parquet(v2 / f"{split}.parquet")["source_kind"] == "synthetic").any()
    with Store.for_project(project) as store, store.read() as conn:
        before = {rid: split for rid, split, _ in releases.rows(conn, "v1")}
        after = {rid: split for rid, split, _ in releases.rows(conn, "v2")}
    assert {rid: after[rid] for rid in before} == before  # real records kept their split
