"""Exact, lexical and semantic duplicates, grouped into clusters.

- *exact*: the same text after case folding and collapsing whitespace;
- *near*: estimated Jaccard similarity of 5-byte shingles >= a threshold (MinHash LSH from
  datasketch over numpy-computed signatures, see ``minhash.py``);
- *semantic*: embedding cosine similarity >= a threshold (pairs from ``neighbours.scan``).

Only one text of each exact group enters the LSH index, and a text that matches an indexed
text joins its cluster without being indexed itself (leader clustering). So a family of
thousands of near-identical texts costs one index entry and small candidate lists, instead
of a quadratic number of comparisons.

``best_matches`` (``NearIndex``) answers the other question, one set of texts against
another (a few thousand new texts against a corpus of 100,000): the new texts are indexed
and the corpus streams past the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from textloop.executors import Executor
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean import minhash

EXACT, NEAR, SEMANTIC = "exact", "near", "semantic"
BALANCED = (0.5, 0.5)
"""datasketch's (false positive, false negative) weights for choosing the LSH bands."""
RECALL = (0.1, 0.9)
"""Weights for checks where a missed duplicate is the costly error: at Jaccard 0.7 with 128
permutations they find 92% of pairs exactly at the threshold (balanced: 44%), at the cost
of more candidate pairs to verify."""
REFERENCE_CHUNK = 20_000


@dataclass
class Links:
    """Edges between record positions, each with how it was found and its similarity."""

    edges: list[tuple[int, int, str, float]] = field(default_factory=list)

    def add(self, pairs: Iterable[tuple[int, int]], match: str,
            scores: Iterable[float] | None = None) -> None:
        values = scores if scores is not None else iter(lambda: 1.0, None)
        for (i, j), score in zip(pairs, values, strict=False):
            self.edges.append((int(i), int(j), match, float(score)))


@dataclass(frozen=True)
class Cluster:
    """Records linked by duplicate edges; ``matches`` counts the edges of each kind."""

    members: list[int]
    matches: dict[str, int]


def exact_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(first, other) pairs of texts equal after normalisation."""
    first: dict[str, int] = {}
    out = []
    for i, text in enumerate(texts):
        key = minhash.normalise(text)
        if key in first:
            out.append((first[key], i))
        else:
            first[key] = i
    return out


def near_pairs(texts: Sequence[str], threshold: float = 0.7, *, skip: Iterable[int] = (),
               num_perm: int = minhash.NUM_PERM, weights: tuple[float, float] = BALANCED,
               progress: Progress = NULL_PROGRESS, language: str | None = None,
               executor: Executor | None = None, shard: int | None = None
               ) -> tuple[list[tuple[int, int]], list[float]]:
    """(leader, text) pairs with estimated Jaccard >= ``threshold``, and their estimates
    (``language``: the project's, which picks the shingles, ``minhash.shingles``).

    ``skip`` holds positions left out (for example the second copy of an exact duplicate).
    A leader always comes before the texts linked to it, so "keep the first" keeps leaders.
    The signatures are computed per ``shard`` of texts (default ``minhash.SHARD``) on
    ``executor`` (the costly, parallel part); the banding and leader clustering run here,
    in text order, since whether a text leads depends on every text before it: the pairs
    are the same on every engine.
    """
    skipped = set(skip)
    todo = [i for i in range(len(texts)) if i not in skipped]
    pairs: list[tuple[int, int]] = []
    scores: list[float] = []
    if len(todo) < 2:
        return pairs, scores
    with progress.task("Near-duplicates (MinHash)", total=len(todo)) as task:
        sig = minhash.signatures([texts[i] for i in todo], num_perm=num_perm,
                                 chunk=shard or minhash.SHARD, language=language,
                                 executor=executor)
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
        for row, position in enumerate(todo):
            m = _lean(sig[row])
            leader = _best_leader(lsh.query(m), sig, row, threshold)
            if leader is None:
                lsh.insert(row, m, check_duplication=False)
            else:
                pairs.append((todo[leader[0]], position))
                scores.append(leader[1])
            task.advance()
    return pairs, scores


def best_matches(queries: Sequence[str], reference: Sequence[str], threshold: float, *,
                 num_perm: int = minhash.NUM_PERM, weights: tuple[float, float] = RECALL,
                 progress: Progress = NULL_PROGRESS, language: str | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Each query's most similar reference text, when the estimated Jaccard is >= ``threshold``.

    Returns ([len(queries)] reference position or -1, [len(queries)] estimate or 0.0); on a
    tie the earlier reference text wins.
    """
    index = NearIndex(queries, threshold, num_perm=num_perm, weights=weights,
                      language=language)
    return index.best_matches(reference, progress)


class NearIndex:
    """An LSH index over query texts, matched against reference texts streaming past it.

    Indexing the (few thousand) queries rather than the reference means 100,000 reference
    texts never build a 100,000-entry index, and one index serves several references.
    """

    def __init__(self, queries: Sequence[str], threshold: float, *,
                 num_perm: int = minhash.NUM_PERM, weights: tuple[float, float] = RECALL,
                 language: str | None = None) -> None:
        self.size, self.threshold, self.num_perm = len(queries), threshold, num_perm
        self.language = language
        self.sig = minhash.signatures(queries, num_perm=num_perm, language=language)
        self.vocabulary = np.unique(minhash.shingles(queries, language)[0])
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
        for row, values in enumerate(self.sig):
            self.lsh.insert(row, _lean(values), check_duplication=False)
        self.bands = _band_keys(self.sig, self.lsh.hashranges)

    def best_matches(self, reference: Sequence[str], progress: Progress = NULL_PROGRESS
                     ) -> tuple[np.ndarray, np.ndarray]:
        """As the module's ``best_matches``, for this index's queries."""
        best = np.full(self.size, -1, dtype=np.int64)
        similarity = np.zeros(self.size, dtype=np.float64)
        if not self.size or not len(reference):
            return best, similarity
        with progress.task("Near-duplicates of existing texts (MinHash)",
                           total=len(reference)) as task:
            for start in range(0, len(reference), REFERENCE_CHUNK):
                texts = reference[start:start + REFERENCE_CHUNK]
                for row, values in self.lookups(texts):
                    hits = self.lsh.query(_lean(values))
                    if hits:
                        rows = np.asarray(hits, dtype=np.int64)
                        sims = minhash.agreement(values, self.sig[rows])
                        better = (sims >= self.threshold) & (sims > similarity[rows])
                        best[rows[better]] = start + row
                        similarity[rows[better]] = sims[better]
                task.advance(len(texts))
        return best, similarity

    def lookups(self, texts: Sequence[str]) -> Iterator[tuple[int, np.ndarray]]:
        """(row, signature) of the texts the index could return a query for.

        Two cheap filters, which never drop a possible match, spare the rest: a text with
        less than a ``threshold`` share of its shingles among the queries' cannot reach
        that Jaccard similarity with any query (``minhash.containment``; skips hashing,
        which matters for small batches), and a text whose signature equals no query's in
        any LSH band cannot be returned by the index (skips a Python-level lookup per
        text, which matters for large ones).
        """
        keys, starts = minhash.shingles(texts, self.language)
        rows = np.flatnonzero(minhash.containment(keys, starts, self.vocabulary)
                              >= self.threshold)
        sig = minhash.min_hashes(*minhash.subset(keys, starts, rows), self.num_perm)
        bands = _band_keys(sig, self.lsh.hashranges)
        shared = np.zeros(len(rows), dtype=bool)
        for band in range(bands.shape[1]):
            shared |= np.isin(bands[:, band], self.bands[:, band])
        return zip(rows[shared].tolist(), sig[shared], strict=True)


def _band_keys(sig: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
    """[rows, bands] uint64 fingerprints: rows equal on a whole band have equal keys there."""
    out = np.zeros((len(sig), len(ranges)), dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    for band, (start, end) in enumerate(ranges):
        for col in range(start, end):
            out[:, band] = out[:, band] * prime + sig[:, col]
    return out


def _lean(values: np.ndarray) -> LeanMinHash:
    """A datasketch MinHash around a signature row computed by ``minhash.signatures``."""
    return LeanMinHash(seed=minhash.SEED, hashvalues=values, scheme="affine32")


def _best_leader(candidates: list[int], sig: np.ndarray, row: int,
                 threshold: float) -> tuple[int, float] | None:
    if not candidates:
        return None
    others = np.asarray(candidates, dtype=np.int64)
    similarity = minhash.similarity(sig, row, others)
    best = int(np.argmax(similarity))
    if similarity[best] < threshold:
        return None
    return int(others[best]), float(similarity[best])


def clusters(n: int, links: Links) -> list[Cluster]:
    """Connected groups of two or more records, largest first."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _, _ in links.edges:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    kinds: dict[int, dict[str, int]] = {}
    for i, _, match, _ in links.edges:
        counts = kinds.setdefault(root(i), {})
        counts[match] = counts.get(match, 0) + 1
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    found = [Cluster(members, kinds.get(r, {})) for r, members in groups.items()
             if len(members) > 1]
    return sorted(found, key=lambda c: (-len(c.members), c.members[0]))


def find_links(texts: Sequence[str], *, near_threshold: float,
               semantic: tuple[np.ndarray, np.ndarray] | None = None,
               progress: Progress = NULL_PROGRESS, language: str | None = None,
               executor: Executor | None = None) -> Links:
    """Exact and near links over ``texts``, plus the given semantic pairs and similarities
    (``language``: the project's, for the near links' shingles; ``executor``: where the
    near links' signatures are computed, see ``near_pairs``)."""
    links = Links()
    exact = exact_pairs(texts)
    links.add(exact, EXACT)
    near, scores = near_pairs(texts, near_threshold, skip=(j for _, j in exact),
                              progress=progress, language=language, executor=executor)
    links.add(near, NEAR, scores)
    if semantic is not None:
        links.add(map(tuple, semantic[0].tolist()), SEMANTIC, semantic[1].tolist())
    return links
