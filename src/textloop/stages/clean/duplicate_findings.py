"""Duplicate clusters as report rows and findings: duplicates, and conflicts between labels.

The first record of a cluster (in record order) is the one kept; every other member is a
``duplicate`` finding pointing at it. A cluster whose members carry more than one label is
a conflict: each member becomes a ``conflict`` finding, because any of them may be the
wrong one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from textloop.stages.clean.duplicates import Cluster, Links
from textloop.stages.clean.result import Finding

SAMPLE_TEXTS = 3
SAMPLE_CHARS = 240


def cluster_rows(clusters: Sequence[Cluster], ids: Sequence[str], texts: Sequence[str],
                 labels: Sequence[str]) -> list[dict[str, Any]]:
    """JSON-ready clusters: ``d1``, ``d2``... largest first, with label counts and samples."""
    rows = []
    for number, cluster in enumerate(clusters, start=1):
        counts = Counter(labels[i] for i in cluster.members)
        rows.append({"id": f"d{number}", "size": len(cluster.members),
                     "matches": cluster.matches, "labels": dict(counts.most_common()),
                     "members": [ids[i] for i in cluster.members],
                     "samples": [{"record_id": ids[i], "label": labels[i],
                                  "text": texts[i][:SAMPLE_CHARS]}
                                 for i in cluster.members[:SAMPLE_TEXTS]]})
    return rows


def match_counts(links: Links) -> dict[str, int]:
    """Linked pairs per kind of match (exact, near, semantic)."""
    counts = Counter(match for _, _, match, _ in links.edges)
    return {kind: counts.get(kind, 0) for kind in ("exact", "near", "semantic")}


def duplicate_findings(clusters: Sequence[Cluster], rows: Sequence[dict[str, Any]],
                       links: Links, ids: Sequence[str]) -> list[Finding]:
    best: dict[int, tuple[str, float]] = {}
    for i, j, match, score in links.edges:
        for a in (i, j):
            if a not in best or score > best[a][1]:
                best[a] = (match, score)
    out = []
    for cluster, row in zip(clusters, rows, strict=True):
        keep = cluster.members[0]
        conflict = len(row["labels"]) > 1
        for i in cluster.members:
            match, score = best.get(i, ("exact", 1.0))
            base = {"cluster": row["id"], "size": row["size"], "match": match}
            if conflict:
                out.append(Finding(ids[i], "conflict", score,
                                   {**base, "labels": row["labels"]}))
            if i != keep:
                out.append(Finding(ids[i], "duplicate", score, {**base, "of": ids[keep]}))
    return out
