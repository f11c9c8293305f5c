"""Leakage: held-out rows of a release that (nearly) repeat a training row.

A test row whose text, or a near copy of it, is in the train split measures memory, not
generalisation. The release's rows are linked exactly as duplicates are (exact, MinHash,
and embedding cosine when embeddings are used), and every link between the train split and
the validation or test split is reported on the held-out row. Train rows come first, so
they are the ones indexed and a held-out row links to the train row it repeats.
"""

from __future__ import annotations

from typing import Any

from textloop.errors import NotFoundError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.duplicates import find_links
from textloop.stages.clean.inputs import embed_texts
from textloop.stages.clean.neighbours import scan
from textloop.stages.clean.options import CleanOptions
from textloop.stages.clean.result import Finding
from textloop.stages.release import SPLITS, load_release
from textloop.storage import Store

MAX_PAIRS_SHOWN = 200


def find_leakage(store: Store, options: CleanOptions, progress: Progress = NULL_PROGRESS,
                 language: str | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """Summary (release, counts per split, pairs) and one finding per leaked held-out row;
    ``language``: the project's, for the near-duplicate shingles."""
    if options.release is None:
        return {"checked": False, "reason": "skipped (--no-leakage)"}, []
    try:
        data = load_release(store, options.release)
    except NotFoundError:
        return {"checked": False, "reason": "no release yet"}, []
    ids, texts, splits = [], [], []
    for name in SPLITS:
        part = data.splits[name]
        ids += part.ids
        texts += part.texts
        splits += [name] * len(part)
    semantic = None
    if options.use_embeddings and texts:
        vectors = embed_texts(store, texts, progress, language)
        found = scan(vectors, 0, options.semantic_threshold, progress=progress)
        semantic = (found.pairs, found.pair_similarity)
    links = find_links(texts, near_threshold=options.near_threshold, semantic=semantic,
                       progress=progress, language=language)
    pairs = _cross_split(links.edges, ids, splits)
    summary = _summary(data.id, pairs)
    findings = [Finding(p["record_id"], "leakage", p["similarity"],
                        {"release": data.id, "split": p["split"], "train_record": p["train_id"],
                         "match": p["match"]}) for p in _one_per_record(pairs)]
    return summary, findings


def _cross_split(edges: list[tuple[int, int, str, float]], ids: list[str],
                 splits: list[str]) -> list[dict[str, Any]]:
    out = []
    for i, j, match, score in edges:
        pair = {splits[i], splits[j]}
        if "train" not in pair or len(pair) == 1:
            continue
        train, held = (i, j) if splits[i] == "train" else (j, i)
        out.append({"record_id": ids[held], "split": splits[held], "train_id": ids[train],
                    "match": match, "similarity": round(float(score), 4)})
    return out


def _one_per_record(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for p in pairs:
        if p["record_id"] not in best or p["similarity"] > best[p["record_id"]]["similarity"]:
            best[p["record_id"]] = p
    return list(best.values())


def _summary(release: str, pairs: list[dict[str, Any]]) -> dict[str, Any]:
    leaked = _one_per_record(pairs)
    per_split = {s: sum(1 for p in leaked if p["split"] == s) for s in ("validation", "test")}
    by_match = {m: sum(1 for p in leaked if p["match"] == m)
                for m in ("exact", "near", "semantic")}
    shown = sorted(pairs, key=lambda p: -p["similarity"])[:MAX_PAIRS_SHOWN]
    return {"checked": True, "release": release, "rows": per_split, "by_match": by_match,
            "pairs": shown, "n_pairs": len(pairs)}
