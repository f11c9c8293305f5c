"""Exact, near and semantic duplicates, clusters and conflicts on constructed cases."""

from __future__ import annotations

import numpy as np

from textloop.stages.clean import minhash
from textloop.stages.clean.duplicate_findings import cluster_rows, duplicate_findings
from textloop.stages.clean.duplicates import Links, clusters, exact_pairs, find_links, near_pairs

BASE = "Congratulations, you have won a free cruise to the Bahamas, call us today to claim it"


def test_signatures_estimate_jaccard_and_ignore_case_and_spacing() -> None:
    texts = [BASE, BASE.upper().replace(" ", "   "), BASE + " now", "Lunch at noon tomorrow?"]
    sig = minhash.signatures(texts)
    sims = minhash.similarity(sig, 0, np.arange(4))
    assert sims[1] == 1.0
    assert sims[2] > 0.85
    assert sims[3] < 0.2


def test_signatures_do_not_depend_on_chunking() -> None:
    texts = [f"text number {i} with some words" for i in range(50)] + ["", "ab"]
    assert np.array_equal(minhash.signatures(texts), minhash.signatures(texts, chunk=7))


def test_exact_pairs_after_normalisation() -> None:
    assert exact_pairs(["Hi there", "hi  THERE ", "other", "Hi there"]) == [(0, 1), (0, 3)]


def test_near_pairs_link_edited_copies_to_their_leader() -> None:
    texts = [BASE, "Nothing alike at all here", BASE + "!", BASE.replace("today", "now")]
    pairs, scores = near_pairs(texts, 0.7)
    assert sorted(pairs) == [(0, 2), (0, 3)]
    assert all(0.7 <= s <= 1.0 for s in scores)


def test_a_large_family_of_variants_becomes_one_cluster() -> None:
    texts = [f"{BASE} ref {i}" for i in range(300)] + ["completely different message"]
    links = find_links(texts, near_threshold=0.7)
    found = clusters(len(texts), links)
    assert len(found) == 1
    assert len(found[0].members) == 300


def test_conflicting_duplicates_are_flagged_on_every_member() -> None:
    texts = [BASE, BASE.lower(), "see you at lunch", BASE + " today"]
    labels = ["spam", "ham", "ham", "spam"]
    ids = ["a", "b", "c", "d"]
    links = find_links(texts, near_threshold=0.7)
    groups = clusters(4, links)
    rows = cluster_rows(groups, ids, texts, labels)
    assert rows[0]["members"] == ["a", "b", "d"]
    assert rows[0]["labels"] == {"spam": 2, "ham": 1}
    found = duplicate_findings(groups, rows, links, ids)
    assert sorted(f.record_id for f in found if f.kind == "conflict") == ["a", "b", "d"]
    assert sorted(f.record_id for f in found if f.kind == "duplicate") == ["b", "d"]
    assert {f.details["of"] for f in found if f.kind == "duplicate"} == {"a"}


def test_semantic_links_join_clusters_without_lexical_overlap() -> None:
    links = Links()
    links.add([(0, 2)], "semantic", [0.97])
    found = clusters(3, links)
    assert [c.members for c in found] == [[0, 2]]
    assert found[0].matches == {"semantic": 1}
