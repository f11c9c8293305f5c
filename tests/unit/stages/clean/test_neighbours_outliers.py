"""Blockwise neighbours, outlier distances and text checks."""

from __future__ import annotations

import numpy as np

from textloop.stages.clean.neighbours import best_match, neighbour_label_proba, scan
from textloop.stages.clean.outliers import knn_distance, outlier_mask, text_problem


def unit_rows(rng: np.random.Generator, n: int, d: int = 8) -> np.ndarray:
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_blockwise_scan_matches_the_full_matrix() -> None:
    x = unit_rows(np.random.default_rng(0), 37)
    x[5] = x[3]  # one exact semantic duplicate
    found = scan(x, 4, 0.99, block=8)
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    expected = np.argsort(-full, axis=1)[:, :4]
    assert np.array_equal(np.sort(found.index, axis=1), np.sort(expected, axis=1))
    assert found.pairs.tolist() == [[3, 5]]
    assert found.pair_similarity[0] > 0.99


def test_best_match_in_blocks_matches_the_full_matrix() -> None:
    rng = np.random.default_rng(1)
    queries, reference = unit_rows(rng, 13), unit_rows(rng, 50)
    index, similarity = best_match(queries, reference, budget=13 * 7)
    full = queries @ reference.T
    assert index.tolist() == full.argmax(axis=1).tolist()
    assert np.allclose(similarity, full.max(axis=1))
    empty_index, empty_similarity = best_match(queries, reference[:0])
    assert (empty_index == -1).all() and np.isneginf(empty_similarity).all()


def test_neighbour_label_proba_counts_neighbour_labels() -> None:
    index = np.array([[1, 2], [0, 2], [0, 1]])
    y = np.array([0, 1, 1])
    assert neighbour_label_proba(index, y, 2).tolist() == [[0.0, 1.0], [0.5, 0.5], [0.5, 0.5]]


def test_a_far_point_is_an_outlier_and_the_cluster_is_not() -> None:
    rng = np.random.default_rng(1)
    centre = unit_rows(rng, 1, 16)[0]
    cluster = centre + 0.05 * rng.normal(size=(60, 16))
    far = -centre
    x = np.vstack([cluster, far]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    distance = knn_distance(scan(x, 5, 1.1).similarity)
    mask, cut = outlier_mask(distance)
    assert mask.tolist() == [False] * 60 + [True]
    assert distance[60] > cut


def test_text_problems() -> None:
    assert text_problem("   \n", 100) == ("empty", "no visible characters")
    assert text_problem("x" * 101, 100)[0] == "overlong"
    assert text_problem("!!!!!!!!", 100)[0] == "garbage"
    assert text_problem("@@ ## $$ %% ^^ a", 100)[0] == "garbage"
    assert text_problem("broken \ufffd text", 100)[0] == "garbage"
    assert text_problem("ok", 100) is None
    assert text_problem("A normal message, with punctuation!", 100) is None
