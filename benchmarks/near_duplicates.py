"""Lexical near-duplicate detection of ``textloop clean`` over 1,000,000 rows.

Claim (issue target): near-duplicate detection over 1M rows takes at most 5 minutes and
4 GiB on 2 cores.

Rows: every text of the development sets (sms_spam, youtube_spam, davidson, banking77,
clinc150, sst2, ag_news; about 155,000 rows), then perturbed copies of randomly drawn
originals until 1,000,000 rows. A copy gets 1 to 3 edits (shares 0.5 / 0.35 / 0.15), each
one of: drop a word, swap two neighbouring words, duplicate a word, change the case of the
text or of a word, add or remove punctuation. The rows are shuffled (fixed seed) so copies
are not next to their originals, and written to a temporary file.

Measured, each in a fresh subprocess that reads the rows and then runs one function (wall
time of the function; peak RSS of the whole process by ``getrusage(RUSAGE_SELF).ru_maxrss``,
rows included):

- the clean stage's exact + lexical near-duplicate step, ``duplicates.find_links`` (exact
  groups by normalised text, then MinHash LSH at estimated Jaccard >= 0.7, leader
  clustering) - the thing the target is about;
- baseline: exact-duplicate hashing alone (``duplicates.exact_pairs``), the cheapest
  duplicate check over the same rows.

Quality, on the planted pairs: recall = share of copies that end in the same cluster as
their original (clusters of the exact and near links, as the clean stage builds them), both
over all copies and over the copies whose true Jaccard similarity (exact 5-byte shingle sets
of the normalised texts) with their original is >= 0.7, the detector's own definition.
Precision = share of reported near links whose true Jaccard is >= 0.7 (checked exactly), and
share linking two rows of the same planted family.

Run from the repository root::

    python benchmarks/near_duplicates.py --rows 1000000

Results: benchmarks/results/near_duplicates.json and near_duplicates.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
FILES = ("sms_spam", "youtube_spam", "davidson_hate_offensive", "banking77", "clinc150",
         "sst2", "ag_news")
THRESHOLD = 0.7
TARGET_SECONDS = 300.0
TARGET_GIB = 4.0
PUNCT = ".,!?;:"


def originals() -> list[str]:
    out = []
    for name in FILES:
        with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
            out.extend(json.loads(line)["text"] for line in handle)
    return out


def perturb(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    for _ in range(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])):
        op = int(rng.integers(6))
        if not words:
            break
        i = int(rng.integers(len(words)))
        if op == 0 and len(words) > 1:
            del words[i]
        elif op == 1 and len(words) > 1:
            j = min(i + 1, len(words) - 1)
            i = j - 1
            words[i], words[j] = words[j], words[i]
        elif op == 2:
            words.insert(i, words[i])
        elif op == 3:
            words = [w.upper() if rng.random() < 0.5 else w.lower() for w in words] \
                if rng.random() < 0.5 else words
            words[i] = words[i].swapcase()
        elif op == 4:
            words[i] = words[i] + PUNCT[int(rng.integers(len(PUNCT)))]
        else:
            words[i] = words[i].strip(PUNCT) or words[i]
    return " ".join(words)


def build(rows: int, seed: int) -> tuple[list[str], np.ndarray, dict[str, Any]]:
    """(texts, family of each row = index of its original, facts)."""
    base = originals()
    rng = np.random.default_rng(seed)
    n_copies = max(0, rows - len(base))
    sources = rng.integers(len(base), size=n_copies)
    texts = base + [perturb(base[s], rng) for s in sources]
    family = np.concatenate([np.arange(len(base)), sources])
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    family = family[order]
    is_copy = order >= len(base)
    facts = {"originals": len(base), "copies": int(n_copies), "rows": len(texts),
             "files": list(FILES), "seed": seed,
             "mean_chars": round(float(np.mean([len(t) for t in texts])), 1)}
    return texts, np.stack([family, is_copy.astype(np.int64)], axis=1), facts


def measure(kind: str, rows_file: Path, out_file: Path) -> dict[str, Any]:
    """Run one detector in a fresh interpreter; its wall time, peak RSS and links."""
    code = f"""
import json, resource, sys, time
import numpy as np
from textloop.stages.clean import duplicates
texts = open({str(rows_file)!r}, encoding="utf-8").read().split("\\n")
rss_rows = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
u = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = u.ru_utime + u.ru_stime
t = time.perf_counter()
if {kind!r} == "exact":
    pairs = duplicates.exact_pairs(texts)
    edges = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    kinds = np.zeros(len(edges), dtype=np.int8)
else:
    links = duplicates.find_links(texts, near_threshold={THRESHOLD})
    edges = np.asarray([(i, j) for i, j, _, _ in links.edges], dtype=np.int64).reshape(-1, 2)
    kinds = np.asarray([m == duplicates.NEAR for _, _, m, _ in links.edges], dtype=np.int8)
seconds = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
cpu = u.ru_utime + u.ru_stime - cpu0
peak = u.ru_maxrss
np.savez({str(out_file)!r}, edges=edges, near=kinds)
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu, "peak_rss_kib": peak,
                  "rss_after_rows_kib": rss_rows,
                  "rows": len(texts), "links": int(len(edges))}}))
"""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    facts["process_seconds"] = round(time.perf_counter() - started, 1)
    facts["peak_rss_gib"] = round(facts["peak_rss_kib"] / 2**20, 3)
    facts["seconds"] = round(facts["seconds"], 1)
    facts["cpu_seconds"] = round(facts["cpu_seconds"], 1)
    return facts


def shingles(text: str) -> set[bytes]:
    from textloop.stages.clean.minhash import SHINGLE_BYTES, normalise

    b = normalise(text).encode("utf-8", "surrogatepass")
    if len(b) < SHINGLE_BYTES:
        return {b.ljust(SHINGLE_BYTES, b"\0")}
    return {b[i:i + SHINGLE_BYTES] for i in range(len(b) - SHINGLE_BYTES + 1)}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def quality(texts: list[str], meta: np.ndarray, links_file: Path) -> dict[str, Any]:
    family, is_copy = meta[:, 0], meta[:, 1].astype(bool)
    with np.load(links_file) as z:
        edges, near = z["edges"], z["near"].astype(bool)
    parent = np.arange(len(texts))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges.tolist():
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    roots = np.fromiter((root(i) for i in range(len(texts))), dtype=np.int64, count=len(texts))
    original_row = np.full(int(family.max()) + 1, -1, dtype=np.int64)
    original_row[family[~is_copy]] = np.flatnonzero(~is_copy)
    copies = np.flatnonzero(is_copy)
    with_original = original_row[family[copies]]
    found = roots[copies] == roots[with_original]
    true_j = np.fromiter((jaccard(texts[c], texts[o]) for c, o in zip(copies, with_original,
                                                                      strict=True)),
                         dtype=np.float64, count=len(copies))
    above = true_j >= THRESHOLD
    near_edges = edges[near]
    edge_j = np.fromiter((jaccard(texts[i], texts[j]) for i, j in near_edges.tolist()),
                         dtype=np.float64, count=len(near_edges))
    same_family = family[near_edges[:, 0]] == family[near_edges[:, 1]]
    return {"planted_copies": len(copies),
            "copies_true_jaccard_ge_threshold": int(above.sum()),
            "recall_all_copies": float(found.mean()),
            "recall_copies_ge_threshold": float(found[above].mean()),
            "recall_by_true_jaccard": {
                f"[{lo:.1f}, {hi:.1f})": {"copies": int(band.sum()),
                                          "recall": float(found[band].mean())}
                for lo, hi in ((0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
                for band in [(true_j >= lo) & (true_j < hi)] if band.any()},
            "near_links": len(near_edges),
            "precision_true_jaccard_ge_threshold": float((edge_j >= THRESHOLD).mean())
            if len(edge_j) else None,
            "precision_true_jaccard_ge_0.6": float((edge_j >= 0.6).mean())
            if len(edge_j) else None,
            "precision_same_family": float(same_family.mean()) if len(edge_j) else None}


def markdown(s: dict[str, Any]) -> str:
    m, d, b, q = s["machine"], s["detector"], s["baseline"], s["quality"]
    return "\n".join([
        f"# Near-duplicate detection over {s['data']['rows']:,} rows", "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python "
        f"{m['python']}. Date: {m['date']}. Command: `{m['command']}`. Load average at "
        f"start {s['load_average']['before']}, at end {s['load_average']['after']}. "
        f"Rows: {s['data']['originals']:,} originals + {s['data']['copies']:,} perturbed "
        f"copies. One run (the target is a single run's wall time and memory).", "",
        "| step | wall time (s) | CPU time (s) | peak RSS (GiB) | links | time ratio to "
        "baseline | target |",
        "|---|---|---|---|---|---|---|",
        f"| exact + MinHash LSH near duplicates (`duplicates.find_links`, J ≥ {THRESHOLD}) | "
        f"{d['seconds']:.1f} | {d['cpu_seconds']:.1f} | {d['peak_rss_gib']:.2f} | {d['links']:,} | "
        f"{d['seconds'] / max(b['seconds'], 1e-9):.1f}× | ≤ {TARGET_SECONDS:.0f} s, "
        f"≤ {TARGET_GIB:.0f} GiB: {'met' if s['met'] else 'not met'} |",
        f"| baseline: exact-duplicate hashing (`duplicates.exact_pairs`) | {b['seconds']:.1f} | "
        f"{b['cpu_seconds']:.1f} | {b['peak_rss_gib']:.2f} | {b['links']:,} | 1.0× | |", "",
        "Peak RSS includes the rows themselves "
        f"({d['rss_after_rows_kib'] / 2**20:.2f} GiB after reading them).", "",
        "| planted pairs | value |", "|---|---|",
        f"| copies planted | {q['planted_copies']:,} |",
        f"| copies with true Jaccard ≥ {THRESHOLD} to their original | "
        f"{q['copies_true_jaccard_ge_threshold']:,} |",
        f"| recall, copies with true J ≥ {THRESHOLD} | {q['recall_copies_ge_threshold']:.4f} |",
        f"| recall, all copies | {q['recall_all_copies']:.4f} |",
        f"| near links reported | {q['near_links']:,} |",
        f"| precision: true J ≥ {THRESHOLD} | {q['precision_true_jaccard_ge_threshold']:.4f} |",
        f"| precision: true J ≥ 0.6 | {q['precision_true_jaccard_ge_0.6']:.4f} |",
        f"| precision: same planted family | {q['precision_same_family']:.4f} |",
        *[f"| recall, copies with true J in {band} ({v['copies']:,}) | {v['recall']:.4f} |"
          for band, v in q["recall_by_true_jaccard"].items()], ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    load_before = [round(v, 2) for v in os.getloadavg()]
    texts, meta, facts = build(args.rows, args.seed)
    print(f"built {facts['rows']:,} rows", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        rows_file = Path(tmp) / "rows.txt"
        rows_file.write_text("\n".join(t.replace("\n", " ") for t in texts), encoding="utf-8")
        texts = rows_file.read_text(encoding="utf-8").split("\n")
        baseline = measure("exact", rows_file, Path(tmp) / "exact.npz")
        print(f"baseline {baseline}", flush=True)
        detector = measure("near", rows_file, Path(tmp) / "near.npz")
        print(f"detector {detector}", flush=True)
        q = quality(texts, meta, Path(tmp) / "near.npz")
    summary = {"machine": machine_info(), "data": facts, "threshold": THRESHOLD,
               "detector": detector, "baseline": baseline, "quality": q,
               "met": detector["seconds"] <= TARGET_SECONDS
               and detector["peak_rss_gib"] <= TARGET_GIB,
               "self_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                     / 2**20, 2),
               "load_average": {"before": load_before,
                                "after": [round(v, 2) for v in os.getloadavg()]}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "near_duplicates.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = markdown(summary)
    (args.out / "near_duplicates.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
