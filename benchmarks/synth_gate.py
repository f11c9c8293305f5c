"""The synthetic-data quality gate: what its near-duplicate thresholds catch, what they let
through, and how long the gate takes on thousands of candidates against ~100,000 records.

Claim (speed): 5,000 candidates against about 96,000 real records run through the gate in
seconds on 2 cores: the lexical checks (format, exact, MinHash LSH against the corpus and
within the batch) and, with the texts' embeddings already computed, the semantic checks
(blocked cosine against every real record and within the batch).

Quality. Per development set, the rows are split as ``textloop release`` splits them
(seed 0); the gate's real corpus is the train split. Three kinds of candidates, 400 each:

- *case/punct*: a train text with its case changed and punctuation dropped or added;
- *one word*: the same, with one word replaced by a word of another train text (texts of
  4 or more words);
- *novel*: a test-split text, i.e. a new text from the same distribution, what a good
  generator should write.

Reported: the share of each kind the gate rejects as a near-duplicate of real data, for
several (Jaccard, cosine) thresholds and without embeddings. The first two should be
high (caught copies), the third low (a novel text wrongly rejected; it is also the data
set's own rate of test texts that nearly repeat a train text).

Speed. All rows of sms_spam, ag_news, banking77, davidson (20,000 drawn), sst2 (20,000
drawn) and clinc150 (20,000 drawn); 2,500 random rows are held out as novel candidates,
2,500 one-word copies of other rows are the rest of the batch, and the remaining rows are
the real corpus with 10% of them marked test. A typical batch, 200 candidates (half
novel, half copies), is timed too. Embeddings come from the MiniLM int8 cache
(the synth stage reads them from the store's cache too), so the timed ``embed`` is a
lookup: the time is the gate's own. No label scorer (its cost is the classifier's).
Median wall and CPU time (all threads of the process) of ``--repeats`` runs in this
process, per configuration; on a busy machine the CPU time is the steadier figure.

Run from the repository root::

    python benchmarks/synth_gate.py

Results: benchmarks/results/synth_gate.json and synth_gate.md.
"""

from __future__ import annotations

import os
import random
import re
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from textloop.stages.simulate.features import embed_texts
from textloop.stages.synthesize.gate import GateSettings, RealCorpus, run_gate
from textloop.strategies.synth.base import Candidate

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import arguments, load, machine_line, split, write_results
from _machine import machine_info

QUALITY_SETS = ("sms_spam", "ag_news", "banking77", "davidson_hate_offensive", "sst2")
SPEED_SETS = (*QUALITY_SETS, "clinc150")
PER_KIND = 400
SMALL = 200  # a typical batch: a few classes, tens of candidates each
GRID: tuple[tuple[float, float | None], ...] = ((0.7, 0.95), (0.6, 0.95), (0.6, 0.93),
                                                (0.5, 0.9), (0.7, None), (0.6, None))
DEFAULT = (GateSettings().near_dup_jaccard, GateSettings().near_dup_cosine)
_WORD = re.compile(r"\w+")


class Lookup:
    """``embed`` over known texts: cached vectors, new texts embedded once beforehand."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.row = {t: i for i, t in enumerate(texts)}
        self.vectors = vectors

    def add(self, texts: Sequence[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self.row]
        if new:
            self.row.update({t: len(self.vectors) + i for i, t in enumerate(new)})
            self.vectors = np.vstack([self.vectors, embed_texts(new).astype(np.float32)])

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.vectors[[self.row[t] for t in texts]]


def case_punct(text: str, rng: random.Random) -> str:
    changed = text.lower() if rng.random() < 0.5 else text.upper()
    if rng.random() < 0.5:
        return re.sub(r"[^\w\s]", "", changed)
    return changed.rstrip(".!?") + rng.choice(["!", "!!", "?", "..."])


def one_word(text: str, donor: str, rng: random.Random) -> str:
    tokens = text.split()
    i = rng.randrange(len(tokens))
    tokens[i] = rng.choice(_WORD.findall(donor) or ["really"])
    return case_punct(" ".join(tokens), rng)


def candidates(texts: Sequence[str], labels: Sequence[str], rows: np.ndarray,
               maker: str, rng: random.Random) -> list[Candidate]:
    out = []
    for i in rows:
        text = texts[i]
        if maker == "one word":
            text = one_word(text, texts[rng.choice(rows)], rng)
        elif maker == "case/punct":
            text = case_punct(text, rng)
        out.append(Candidate(text, labels[i], "textloop.synth.bench.v1", ()))
    return out


def quality(name: str) -> dict[str, Any]:
    texts, labels, vectors, source = load(name)
    train, _, test = split(texts, labels, seed=0)
    rng = random.Random(0)
    long_train = [i for i in train if len(texts[i].split()) >= 4]
    kinds = {"case/punct": np.array(rng.sample(list(train), PER_KIND)),
             "one word": np.array(rng.sample(long_train, PER_KIND)),
             "novel": np.array(rng.sample(list(test), min(PER_KIND, len(test))))}
    batches = {kind: candidates(texts, labels, rows, kind, rng) for kind, rows in kinds.items()}
    lookup = Lookup(texts, vectors)
    for batch in batches.values():
        lookup.add([c.text for c in batch])
    real = RealCorpus([str(i) for i in train], [texts[i] for i in train],
                      [labels[i] for i in train], [False] * len(train))
    rows = []
    for jaccard, cosine in GRID:
        settings = GateSettings(min_chars=1, near_dup_jaccard=jaccard,
                                near_dup_cosine=cosine or 1.0)
        rejected = {}
        for kind, batch in batches.items():
            # real data is checked before batch repeats; only that reason is counted
            result = run_gate(batch, real, settings, embed=lookup if cosine else None)
            rejected[kind] = round(float(np.mean(
                [v.reason == "near-duplicate-of-real" for v in result.verdicts])), 4)
        rows.append({"jaccard": jaccard, "cosine": cosine, "rejected": rejected})
    return {"source": source, "train_rows": len(train), "grid": rows}


def speed(repeats: int) -> dict[str, Any]:
    texts, labels, vectors = [], [], []
    for name in SPEED_SETS:
        t, y, v, _ = load(name)
        texts += t
        labels += y
        vectors.append(v)
    lookup = Lookup(texts, np.vstack(vectors))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(texts))
    novel, copied, rest = order[:2500], order[2500:5000], order[2500:]
    r = random.Random(0)
    batch = candidates(texts, labels, novel, "novel", r)
    batch += candidates(texts, labels, copied, "one word", r)
    lookup.add([c.text for c in batch])
    is_test = rng.random(len(rest)) < 0.1
    real = RealCorpus([str(i) for i in rest], [texts[i] for i in rest],
                      [labels[i] for i in rest], is_test.tolist())
    out = {"candidates": len(batch), "real_records": len(rest), "test_records":
           int(is_test.sum()), "runs": {}}
    small = batch[:SMALL // 2] + batch[2500:2500 + SMALL // 2]
    for size, given in ((len(batch), batch), (len(small), small)):
        for checks, embed in (("lexical", None), ("lexical + semantic", lookup)):
            times, cpu = [], []
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = run_gate(given, real, GateSettings(), embed=embed)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            out["runs"][f"{size:,} candidates, {checks}"] = {
                "seconds": [round(t, 2) for t in times],
                "median_s": round(float(np.median(times)), 2),
                "median_cpu_s": round(float(np.median(cpu)), 2), "counts": result.counts()}
    out["peak_rss_gib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    return out


def table(report: dict[str, Any]) -> str:
    lines = ["# Synthetic-data quality gate", "",
             f"{machine_line(report['machine'])}. Load average at start {report['load'][0]}, "
             f"at end {report['load'][1]}.", "",
             "## Share rejected as near-duplicate of the train split", "",
             "| data set | Jaccard | cosine | case/punct copies | one-word copies | novel "
             "(test) texts |", "|---|---|---|---|---|---|"]
    for name, q in report["quality"].items():
        for row in q["grid"]:
            r = row["rejected"]
            default = " (default)" if (row["jaccard"], row["cosine"]) == DEFAULT else ""
            lines.append(f"| {name} | {row['jaccard']}{default} | {row['cosine'] or 'off'} | "
                         f"{r['case/punct']:.3f} | {r['one word']:.3f} | {r['novel']:.3f} |")
    s = report["speed"]
    lines += ["", f"## Speed: candidates against {s['real_records']:,} real records "
              f"({s['test_records']:,} test)", "",
              "| batch and checks | median wall time (s) | median CPU time (s) | runs, wall (s) | "
              "verdicts |", "|---|---|---|---|---|"]
    for label, run in s["runs"].items():
        lines.append(f"| {label} | {run['median_s']} | {run['median_cpu_s']} | "
                     f"{run['seconds']} | {run['counts']} |")
    lines += ["", f"Peak RSS of the process: {s['peak_rss_gib']} GiB (vectors of all rows "
              "included)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = arguments(__doc__, QUALITY_SETS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    start_load = [round(x, 2) for x in os.getloadavg()]
    report: dict[str, Any] = {"machine": machine_info(), "quality": {}}
    if not args.skip_quality:
        for name in args.datasets.split(","):
            report["quality"][name] = quality(name)
            print(name, report["quality"][name]["grid"], flush=True)
    report["speed"] = speed(args.repeats)
    report["load"] = [start_load, [round(x, 2) for x in os.getloadavg()]]
    write_results(args.out, "synth_gate", report, table(report))


if __name__ == "__main__":
    main()
