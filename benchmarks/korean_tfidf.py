"""Korean: the TF-IDF featurizer chosen for the project's language against word n-grams.

Claim: BENCHMARKS.md "Korean: TF-IDF featurizer". tfidf-lr as ``textloop train`` builds it
for a Korean project (``make_model("tfidf-lr", language="ko")``) against the previous default
(word 1-2-grams, what every project got before) and plain word unigrams, plus the candidate
featurizers the default was chosen from, all in the same run:

- Korean hate speech (BEEP!): fit on the train split (7,896), macro-F1 on the validation split
  (471). The split is fixed and the fit deterministic, so one number per featurizer.
- NSMC (Naver movie reviews): a grouped 80/20 split by ``movie_id`` (no film in both parts),
  one split per seed; median (min-max) over the seeds.

Logistic regression keeps its default C; the corpora's test labels are not used. Run from
the repository root, one process (2 shared cores)::

    python benchmarks/korean_tfidf.py --seeds 3 --nsmc-rows 60000

Results: benchmarks/results/korean_tfidf.json and korean_tfidf.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from textloop.models.classifiers import make_model

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import DATA as SHARED_DATA
from _machine import machine_info

DATA = SHARED_DATA / "korean"
# name -> (language given to make_model, explicit params)
FEATURIZERS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "word 1-gram": (None, {"ngram_max": 1}),
    "previous default (word 1-2)": (None, {}),
    "ko default": ("ko", {}),
    "char_wb 1-4": (None, {"analyzer": "char_wb", "char_min": 1, "char_max": 4}),
    "char 1-4": (None, {"analyzer": "char", "char_min": 1, "char_max": 4}),
    "char 2-5": (None, {"analyzer": "char", "char_min": 2, "char_max": 5}),
    "char 1-5": (None, {"analyzer": "char", "char_min": 1, "char_max": 5}),
    "word+char_wb 1-4": (None, {"analyzer": "word+char_wb", "char_min": 1, "char_max": 4}),
}
BASELINE = "previous default (word 1-2)"


def load(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def score(name: str, train: list[dict[str, Any]], test: list[dict[str, Any]]) -> dict[str, Any]:
    language, params = FEATURIZERS[name]
    _, model = make_model("tfidf-lr", params, language)
    started = time.perf_counter()
    model.fit([r["text"] for r in train], [r["label"] for r in train])
    predicted = model.predict([r["text"] for r in test])
    return {"macro_f1": float(f1_score([r["label"] for r in test], predicted, average="macro")),
            "seconds": time.perf_counter() - started, "features": len(model.vectorizer_.idf_),
            "params": {k: model.get_params()[k] for k in ("analyzer", "char_min", "char_max",
                                                          "ngram_max", "C")}}


def grouped_split(rows: list[dict[str, Any]], seed: int) -> tuple[list, list]:
    """80/20 by ``movie_id``: films in shuffled order fill the test part up to 20% of rows."""
    per_movie = Counter(r["movie_id"] for r in rows)
    movies = sorted(per_movie)
    random.Random(seed).shuffle(movies)
    test_movies: set[str] = set()
    filled = 0
    for movie in movies:
        if filled >= 0.2 * len(rows):
            break
        test_movies.add(movie)
        filled += per_movie[movie]
    return ([r for r in rows if r["movie_id"] not in test_movies],
            [r for r in rows if r["movie_id"] in test_movies])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--nsmc-rows", type=int, default=60_000)
    parser.add_argument("--featurizers", default=",".join(FEATURIZERS),
                        help="comma-separated names from FEATURIZERS")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--skip", choices=("hate", "nsmc"), default=None)
    parser.add_argument("--tag", default="", help="suffix of the result files' names")
    args = parser.parse_args()
    names = [n.strip() for n in args.featurizers.split(",") if n.strip()]
    results: dict[str, Any] = {"machine": machine_info(), "hate": {}, "nsmc": {}}
    if args.skip != "hate":
        rows = load(args.data / "korean_hate_speech.jsonl.gz")
        train = [r for r in rows if r["split"] == "train"]
        validation = [r for r in rows if r["split"] == "validation"]
        for name in names:
            results["hate"][name] = score(name, train, validation)
            print("hate", name, round(results["hate"][name]["macro_f1"], 4), flush=True)
    if args.skip != "nsmc":
        rows = load(args.data / "nsmc_60k.jsonl.gz")
        rows = random.Random(13).sample(rows, args.nsmc_rows) if args.nsmc_rows < len(rows) \
            else rows
        for seed in range(args.seeds):
            train, test = grouped_split(rows, seed)
            for name in names:
                outcome = score(name, train, test)
                results["nsmc"].setdefault(name, []).append(outcome)
                print("nsmc", seed, name, round(outcome["macro_f1"], 4), flush=True)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    stem = f"korean_tfidf{args.tag}"
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / f"{stem}.md").write_text(table(results, names), encoding="utf-8")
    print(table(results, names))


def table(results: dict[str, Any], names: list[str]) -> str:
    """Markdown: hate-speech validation macro-F1, NSMC median (min-max), ratio to baseline."""
    lines = ["| featurizer | hate speech val macro-F1 | ratio | NSMC grouped 80/20 macro-F1 "
             "| ratio | fit s (NSMC median) |", "|---|---|---|---|---|---|"]
    hate, nsmc = results["hate"], results["nsmc"]
    base_nsmc = statistics.median(r["macro_f1"] for r in nsmc[BASELINE]) \
        if BASELINE in nsmc else None
    for name in names:
        cells = [name]
        if name in hate:
            value = hate[name]["macro_f1"]
            ratio = value / hate[BASELINE]["macro_f1"] if BASELINE in hate else None
            cells += [f"{value:.3f}", f"{ratio:.2f}x" if ratio else "-"]
        else:
            cells += ["-", "-"]
        if name in nsmc:
            values = [r["macro_f1"] for r in nsmc[name]]
            median = statistics.median(values)
            cells += [f"{median:.3f} ({min(values):.3f}-{max(values):.3f})",
                      f"{median / base_nsmc:.2f}x" if base_nsmc else "-",
                      f"{statistics.median(r['seconds'] for r in nsmc[name]):.0f}"]
        else:
            cells += ["-", "-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
