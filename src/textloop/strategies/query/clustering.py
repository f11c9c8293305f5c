"""k-means on embeddings and "the item nearest each centroid", shared by the diversity strategies.

Large pools are subsampled before clustering: centroids from 10,000 points describe the
pool's dense regions about as well as centroids from all of them, at a fraction of the cost.
The nearest items are then looked up in the whole set, so any item can be chosen.

Both run on one thread: the matrices are small enough that threading gains little on an idle
machine, and on a busy one (a labeling server, a shared workstation) threaded k-means and
BLAS were 3x slower than one thread, with the same picks.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from textloop.strategies.query.ranking import seed_from


def kmeans(X: np.ndarray, k: int, rng: np.random.Generator, max_fit: int) -> KMeans:
    """k-means++ seeding and one Lloyd run on at most ``max_fit`` points drawn by ``rng``."""
    sample = X
    if X.shape[0] > max_fit:
        sample = X[np.sort(rng.choice(X.shape[0], size=max_fit, replace=False))]
    model = KMeans(n_clusters=k, n_init=1, max_iter=100, random_state=seed_from(rng))
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)  # duplicates: fewer clusters
        return model.fit(sample)


def squared_distances(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """[n, k] squared Euclidean distances, computed as one matrix product."""
    X = np.asarray(X, dtype=np.float32)
    C = np.asarray(centers, dtype=np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        products = X @ C.T
    d = (X * X).sum(axis=1)[:, None] - 2.0 * products + (C * C).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def nearest_unique(X: np.ndarray, centers: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For each centre in ``order``, the nearest item of ``X`` not taken by an earlier centre."""
    k = centers.shape[0]
    distances = squared_distances(X, centers)
    depth = min(k, X.shape[0])  # k nearest per centre are enough: at most k-1 are taken
    if depth < X.shape[0]:
        near = np.argpartition(distances, depth - 1, axis=0)[:depth]
    else:
        near = np.tile(np.arange(X.shape[0])[:, None], (1, k))
    taken: set[int] = set()
    picks = []
    for j in order:
        column = near[:, j]
        for i in column[np.lexsort((column, distances[column, j]))]:
            if int(i) not in taken:
                taken.add(int(i))
                picks.append(int(i))
                break
    return np.asarray(picks, dtype=np.intp)
