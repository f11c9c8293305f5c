"""Exact, near and semantic duplicates, clusters and conflicts on constructed cases."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.stages.clean import minhash
from textloop.stages.clean.duplicate_findings import cluster_rows, duplicate_findings
from textloop.stages.clean.duplicates import (
    Links,
    best_matches,
    clusters,
    exact_pairs,
    find_links,
    near_pairs,
)

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


def test_exact_pairs_see_unicode_variants_of_one_text_as_one() -> None:
    """A record stored before identity was normalised (NFD, a stray zero-width space) is
    still an exact duplicate of its NFC twin, and its shingles are the same."""
    nfc, nfd = "Caf\u00e9 promo today", "Cafe\u0301 promo today"
    zero_width = "Caf\u00e9 promo\u200b today"
    assert exact_pairs([nfc, nfd, zero_width]) == [(0, 1), (0, 2)]
    sig = minhash.signatures([nfc, nfd, zero_width])
    assert (minhash.similarity(sig, 0, np.arange(3)) == 1.0).all()


def test_near_pairs_link_edited_copies_to_their_leader() -> None:
    texts = [BASE, "Nothing alike at all here", BASE + "!", BASE.replace("today", "now")]
    pairs, scores = near_pairs(texts, 0.7)
    assert sorted(pairs) == [(0, 2), (0, 3)]
    assert all(0.7 <= s <= 1.0 for s in scores)


def test_containment_bounds_and_subsets_keep_each_texts_shingles() -> None:
    texts = [BASE, "Lunch at noon tomorrow?", BASE.upper() + " now"]
    keys, starts = minhash.shingles(texts)
    vocabulary = np.unique(minhash.shingles([BASE])[0])
    share = minhash.containment(keys, starts, vocabulary)
    assert share[0] == 1.0 and share[1] < 0.2 and 0.85 < share[2] < 1.0
    picked = minhash.min_hashes(*minhash.subset(keys, starts, np.array([0, 2])))
    assert np.array_equal(picked, minhash.signatures([texts[0], texts[2]]))


def test_best_matches_finds_each_querys_closest_reference_text() -> None:
    reference = ["Nothing alike at all here", BASE.replace("today", "now"), BASE,
                 "see you at lunch"] + [f"filler message number {i}" for i in range(50)]
    queries = [BASE + "!", "A completely new sentence about gardening", "SEE YOU AT LUNCH"]
    best, similarity = best_matches(queries, reference, 0.7)
    assert best.tolist() == [2, -1, 3]
    assert similarity[0] > 0.9 and similarity[1] == 0.0 and similarity[2] == 1.0
    assert best_matches(queries, [], 0.7)[0].tolist() == [-1, -1, -1]


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


def test_korean_texts_are_shingled_by_character_pairs() -> None:
    keys, starts = minhash.shingles(["학교에 갔다", "왜"], "ko")
    assert starts.tolist() == [0, 5]  # 학교 교에 "에 " " 갔" 갔다, then the lone 왜
    assert len(keys) == 6 and keys[0] == ord("학") | ord("교") << 21
    assert keys[5] == ord("왜")  # a text shorter than a shingle is one padded shingle
    english = [BASE, BASE.upper(), "Lunch at noon tomorrow?", "", "é"]
    assert np.array_equal(minhash.signatures(english, language="en"),
                          minhash.signatures(english))
    short = ["어제 본 영화가 진짜 재밌었다", "어제 본 영화이 진짜 재밌었다"]  # a particle changed

    def jaccard(language: str | None) -> float:
        keys, starts = minhash.shingles(short, language)
        first, second = set(keys[:starts[1]].tolist()), set(keys[starts[1]:].tolist())
        return len(first & second) / len(first | second)

    assert round(jaccard(None), 3) == 0.674  # 29 of 43 five-byte shingles shared
    assert round(jaccard("ko"), 3) == 0.765  # 13 of 17 character pairs


def _family_texts() -> list[str]:
    """300 texts: families of edited copies of a few messages among unrelated ones."""
    from tests.unit.stages.clean.clean_fixtures import rows

    texts = [text for text, _ in rows(240, seed=4)]
    for i in range(60):
        words = BASE.split()
        words[i % len(words)] = f"edit{i % 5}"
        texts.insert((i * 37) % len(texts), " ".join(words[: len(words) - i % 3]))
    return texts


@pytest.mark.slow
def test_near_pairs_from_signature_shards_on_ray_match_local(ray_cluster) -> None:
    from textloop.executors import executor_for

    texts = _family_texts()
    local = near_pairs(texts, 0.7)
    with executor_for("ray", address=ray_cluster) as ray:
        sharded = near_pairs(texts, 0.7, executor=ray, shard=40)  # 8 shards over 2 nodes
        assert np.array_equal(minhash.signatures(texts, chunk=40, executor=ray),
                              minhash.signatures(texts))
    assert len(local[0]) > 40
    assert sharded == local
