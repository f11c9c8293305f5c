"""Synthetic records in a release: always train, even where the planner would put them in
test; real records split as if they were not there; counted in the manifest and card."""

from __future__ import annotations

import json

import numpy as np

from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.stages.label.resolution import labeled_records
from textloop.stages.release import create_release
from textloop.stages.release.split import SPLITS, plan_split
from textloop.stages.synthesize.decisions import decide
from textloop.storage import releases


def spam_ham(n: int, prefix: str = "real") -> list[dict]:
    return [{"text": f"{prefix} {'spam' if i % 2 else 'ham'} text {i}",
             "label": "spam" if i % 2 else "ham"} for i in range(n)]


def accepted_batch(store, n: int) -> str:
    batch = stored_batch(store, [candidate(f"made up spam {i}") for i in range(n)])
    decide(store, batch, "accepted", actor="ana")
    return batch


def test_no_synthetic_record_lands_in_test_even_where_the_planner_would_put_it(
        store, project, add_rows) -> None:
    add_rows(spam_ham(20))
    accepted_batch(store, 30)
    with store.read() as conn:
        everything = labeled_records(conn)
    index = {label: i for i, label in enumerate(project.spec.label_names)}
    naive = plan_split([r.id for r in everything], [r.text for r in everything],
                       [index[r.label] for r in everything], n_labels=2,
                       fractions=[0.8, 0.1, 0.1], seed=13)
    made = np.array([r.source_kind == "synthetic" for r in everything])
    assert (naive.split[made] == SPLITS.index("test")).any()  # what the planner alone does
    info = create_release(store, project)
    with store.read() as conn:
        rows = releases.rows(conn, info.id)
    synthetic_ids = {r.id for r, m in zip(everything, made, strict=True) if m}
    assert {split for rid, split, _ in rows if rid in synthetic_ids} == {"train"}
    assert len(synthetic_ids) == 30


def test_real_records_keep_their_split_when_a_batch_is_added(store, project, add_rows
                                                               ) -> None:
    add_rows(spam_ham(40))
    first = create_release(store, project)
    accepted_batch(store, 12)
    second = create_release(store, project)
    with store.read() as conn:
        before = dict((rid, split) for rid, split, _ in releases.rows(conn, first.id))
        after = dict((rid, split) for rid, split, _ in releases.rows(conn, second.id))
    assert {rid: after[rid] for rid in before} == before
    assert second.counts["train"] == first.counts["train"] + 12
    assert (second.counts["validation"], second.counts["test"]) == (
        first.counts["validation"], first.counts["test"])


def test_the_manifest_and_card_count_synthetic_rows_with_provenance_columns(
        store, project, add_rows) -> None:
    import pandas as pd

    add_rows(spam_ham(20))
    batch = accepted_batch(store, 5)
    info = create_release(store, project)
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] == {
        "rows": 5, "share": 0.2, "split": "train",
        "per_label": {"spam": {"rows": 5, "share": round(5 / 15, 4)},
                      "ham": {"rows": 0, "share": 0.0}},
        "generators": {"textloop.synth.swap.v1": 5}}
    card = (info.path / "README.md").read_text(encoding="utf-8")
    assert "5 records (20.0%) were generated" in card
    train = pd.read_parquet(info.path / "train.parquet")
    made = train[train["source_kind"] == "synthetic"]
    assert len(made) == 5 and set(made["label_kind"]) == {"synthetic"}
    assert set(made["synth_batch"]) == {batch} and made["synth_item"].notna().all()
    decide(store, batch, "rejected", actor="ana")
    later = create_release(store, project)
    assert later.counts["train"] == info.counts["train"] - 5
