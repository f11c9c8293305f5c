"""Exact, lexical and semantic duplicates, grouped into clusters.

- *exact*: the same text after case folding and collapsing whitespace;
- *near*: estimated Jaccard similarity of 5-byte shingles >= a threshold (MinHash LSH from
  datasketch over numpy-computed signatures, see ``minhash.py``);
- *semantic*: embedding cosine similarity >= a threshold (pairs from ``neighbours.scan``).

Only one text of each exact group enters the LSH index, and a text that matches an indexed
text joins its cluster without being indexed itself (leader clustering). So a family of
thousands of near-identical texts costs one index entry and small candidate lists, instead
of a quadratic number of comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean import minhash

EXACT, NEAR, SEMANTIC = "exact", "near", "semantic"


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
               num_perm: int = minhash.NUM_PERM, progress: Progress = NULL_PROGRESS
               ) -> tuple[list[tuple[int, int]], list[float]]:
    """(leader, text) pairs with estimated Jaccard >= ``threshold``, and their estimates.

    ``skip`` holds positions left out (for example the second copy of an exact duplicate).
    """
    skipped = set(skip)
    todo = [i for i in range(len(texts)) if i not in skipped]
    pairs: list[tuple[int, int]] = []
    scores: list[float] = []
    if len(todo) < 2:
        return pairs, scores
    with progress.task("Near-duplicates (MinHash)", total=len(todo)) as task:
        sig = minhash.signatures([texts[i] for i in todo], num_perm=num_perm)
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        for row, position in enumerate(todo):
            m = LeanMinHash(seed=minhash.SEED, hashvalues=sig[row], scheme="affine32")
            leader = _best_leader(lsh.query(m), sig, row, threshold)
            if leader is None:
                lsh.insert(row, m, check_duplication=False)
            else:
                pairs.append((todo[leader[0]], position))
                scores.append(leader[1])
            task.advance()
    return pairs, scores


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
               progress: Progress = NULL_PROGRESS) -> Links:
    """Exact and near links over ``texts``, plus the given semantic pairs and similarities."""
    links = Links()
    exact = exact_pairs(texts)
    links.add(exact, EXACT)
    near, scores = near_pairs(texts, near_threshold, skip=(j for _, j in exact),
                              progress=progress)
    links.add(near, NEAR, scores)
    if semantic is not None:
        links.add(map(tuple, semantic[0].tolist()), SEMANTIC, semantic[1].tolist())
    return links
