"""Korean: cleaning and active learning with the Korean defaults against the English ones.

Claim: BENCHMARKS.md "Korean: cleaning and active learning". On the Korean hate-speech
corpus (BEEP!: news comments, hate / offensive / none; train 7,896, validation 471), the
same loop steps run twice on the same data, once with what a Korean project gets
(``language: ko``) and once with the English defaults every project got before:

- **Cleaning** (label-issue finding, ``textloop clean``'s default ``views-knn``): label noise
  is planted in the train split (exactly round(rate x class size) records of each class
  flipped to one of the other two classes at random); out-of-fold probabilities of
  ``embed-lr`` and ``tfidf-lr`` (5 folds) and the labels of the 10 nearest neighbours are
  combined as the clean stage does (``stages.clean.oof.out_of_fold_proba`` with the
  project's language, ``strategies.cleaning``). Korean: ``tfidf-lr`` on character 1-4-grams,
  ``embed-lr`` and the neighbours on USE-multilingual-v3 (``default_embedder("ko")``);
  English: word 1-2-grams and English MiniLM. Precision and recall of the flagged set
  against the planted flips; also ``tfidf-lr``'s view alone with cleanlab's defaults, which
  isolates the featurizer.
- **Active learning** (``simulate_vectors``, what ``textloop simulate-al`` runs after
  embedding): macro-F1 on the validation split after N labels, ``default`` strategy and
  random sampling, on four feature sets: English MiniLM, USE-multilingual-v3 (the embedder
  of a ``ko`` project, which ``textloop suggest`` learns on), word 1-2-gram TF-IDF and
  character 1-4-gram TF-IDF (the ``ko`` featurizer), each TF-IDF reduced to ``--dims``
  dimensions by truncated SVD (fitted on the train split's texts only, no labels) and
  L2-normalised, since the simulation's learner takes dense vectors.

Medians over ``--seeds`` seeds (the noise draw and fold split for cleaning; the cold-start
batch for active learning). Run from the repository root, one process (2 shared cores)::

    TEXTLOOP_TEST_DATA=../shared/data python benchmarks/korean_loop.py --seeds 3

Results: benchmarks/results/korean_loop.json and korean_loop.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.decomposition import TruncatedSVD

from textloop.models import tfidf
from textloop.models.embedders import get_embedder
from textloop.models.embedding_space import default_embedder
from textloop.stages.clean.neighbours import neighbour_label_proba
from textloop.stages.clean.oof import out_of_fold_proba
from textloop.stages.simulate.features import embed_texts
from textloop.stages.simulate.run import Plan, simulate_vectors
from textloop.strategies.cleaning import LabelIssueInput, get_method

sys.path.insert(0, str(Path(__file__).parent))
from _clean_data import knn_index, median, prf
from _dev_sets import DATA as SHARED_DATA
from _machine import machine_info

DATA = SHARED_DATA / "korean" / "korean_hate_speech.jsonl.gz"
SETUPS = {"Korean defaults (ko)": "ko", "English defaults": None}
"""Cleaning: the project language each run gives the clean stage's models."""
FEATURES = ("English MiniLM", "USE-multilingual-v3 (ko)", "word 1-2 TF-IDF",
            "char 1-4 TF-IDF (ko)")
STRATEGIES = ("random", "default")


def load() -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Texts, class codes, is-validation flags and class names of the corpus."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    classes = sorted({r["label"] for r in rows})
    y = np.array([classes.index(r["label"]) for r in rows])
    return [r["text"] for r in rows], y, np.array([r["split"] == "validation" for r in rows]), \
        classes


def plant(y: np.ndarray, rate: float, k: int, rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray]:
    """(noisy labels, flipped): round(rate * n_c) of class c sent to another class at random."""
    noisy = y.copy()
    for c in range(k):
        members = np.flatnonzero(y == c)
        picked = rng.choice(members, round(rate * len(members)), replace=False)
        noisy[picked] = (c + rng.integers(1, k, len(picked))) % k
    return noisy, noisy != y


def embed(texts: list[str], language: str | None) -> np.ndarray:
    """The texts' vectors from the embedder of a project in ``language`` (user cache)."""
    return embed_texts(texts, embedder=get_embedder(default_embedder(language)))


def cleaning(texts: list[str], y: np.ndarray, classes: list[str], rate: float,
             seeds: int) -> dict[str, Any]:
    """Per setup and seed: views-knn (as ``textloop clean``) and tfidf-lr alone + cleanlab."""
    vectors = {name: embed(texts, language) for name, language in SETUPS.items()}
    neighbours = {name: knn_index(x) for name, x in vectors.items()}
    views_knn, cleanlab = get_method("views-knn")[1], get_method("cleanlab")[1]
    out: dict[str, Any] = {name: [] for name in SETUPS}
    for seed in range(seeds):
        noisy, flipped = plant(y, rate, len(classes), np.random.default_rng([seed, 7]))
        labels = [classes[i] for i in noisy]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, language in SETUPS.items():
                started = time.perf_counter()
                x = vectors[name]
                knn = neighbour_label_proba(neighbours[name], noisy, len(classes))
                embed_view = out_of_fold_proba("embed-lr", texts, x, labels, classes,
                                               seed=seed, language=language)[1]
                tfidf_view = out_of_fold_proba("tfidf-lr", texts, x, labels, classes,
                                               seed=seed, language=language)[1]
                both = views_knn.find(LabelIssueInput(labels=noisy,
                                                      views=[embed_view, tfidf_view],
                                                      neighbour_proba=knn))
                alone = cleanlab.find(LabelIssueInput(labels=noisy, views=[tfidf_view],
                                                      neighbour_proba=None))
                cell = {"seed": seed, "flips": int(flipped.sum()),
                        "views-knn": prf(both.flagged, flipped),
                        "tfidf-lr alone": prf(alone.flagged, flipped),
                        "seconds": round(time.perf_counter() - started, 1)}
                out[name].append(cell)
                print(f"clean seed {seed} {name}: views-knn P {cell['views-knn']['precision']:.3f}"
                      f" R {cell['views-knn']['recall']:.3f}; tfidf alone P "
                      f"{cell['tfidf-lr alone']['precision']:.3f} R "
                      f"{cell['tfidf-lr alone']['recall']:.3f}", flush=True)
    return out


def tfidf_vectors(texts: list[str], is_test: np.ndarray, language: str | None, dims: int
                  ) -> np.ndarray:
    """The featurizer ``tfidf-lr`` uses for ``language``, fitted on the train texts, reduced
    by truncated SVD (fitted on the train texts too) and L2-normalised."""
    vectorizer = tfidf.make_vectorizer(**tfidf.params_for_language(language))
    train = [t for t, test in zip(texts, is_test, strict=True) if not test]
    svd = TruncatedSVD(dims, random_state=0).fit(vectorizer.fit_transform(train))
    reduced = svd.transform(vectorizer.transform(texts))
    return reduced / np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)


def active_learning(features: dict[str, np.ndarray], labels: list[str], is_test: np.ndarray,
                    seeds: int, budget: int, batch: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    plan = Plan.make(STRATEGIES, seeds, budget, batch, None)
    for name, x in features.items():
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            result = simulate_vectors(x, labels, is_test, plan, out_dir=Path(folder))
            curves = json.loads(result.curves_json.read_text(encoding="utf-8"))
        out[name] = {"reference_macro_f1": result.reference_macro_f1,
                     "seconds": round(time.perf_counter() - started, 1),
                     "curves": {s: [{p["labels"]: p["macro_f1"] for p in c["points"]}
                                    for c in curves["curves"][s]] for s in STRATEGIES}}
        print(f"AL {name}: full-data macro-F1 {result.reference_macro_f1:.3f}", flush=True)
    return out


def al_median(runs: list[dict[int, float]], n: int) -> float:
    return median([run[n] for run in runs])


def markdown(results: dict[str, Any], checkpoints: list[int]) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python "
             f"{m['python']}. Date: {m['date']}. Command: `{m['command']}`. Load average "
             f"{results['load_average']['before']} at start, "
             f"{results['load_average']['after']} at end. Medians over "
             f"{results['seeds']} seeds.", "",
             f"Cleaning: {results['noise']:.0%} planted label noise "
             f"({results['cleaning_flips']:,} flips in {results['train_rows']:,} train rows).",
             "", "| setup | views-knn P / R / F1 | tfidf-lr view alone (cleanlab) P / R / F1 |",
             "|---|---|---|"]
    for name, cells in results["cleaning"].items():
        row = [name]
        for method in ("views-knn", "tfidf-lr alone"):
            row.append(" / ".join(f"{median([c[method][s] for c in cells]):.3f}"
                                  for s in ("precision", "recall", "f1")))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Active learning: validation macro-F1 after N labels (default strategy / "
              "random sampling), and with every train label.", "",
              "| features | " + " | ".join(f"N = {n:,}" for n in checkpoints)
              + " | all labels |", "|---" * (len(checkpoints) + 2) + "|"]
    for name, res in results["active_learning"].items():
        cells = [f"{al_median(res['curves']['default'], n):.3f} / "
                 f"{al_median(res['curves']['random'], n):.3f}" for n in checkpoints]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {res['reference_macro_f1']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--noise", type=float, default=0.2)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--skip", choices=("clean", "al"), default=None)
    parser.add_argument("--tag", default="", help="suffix of the result files' names")
    args = parser.parse_args()
    load_before = [round(v, 2) for v in os.getloadavg()]
    texts, y, is_test, classes = load()
    train = np.flatnonzero(~is_test)
    results: dict[str, Any] = {"machine": machine_info(), "seeds": args.seeds,
                               "noise": args.noise, "train_rows": len(train),
                               "embedders": {name: default_embedder(language)
                                             for name, language in SETUPS.items()},
                               "classes": classes}
    if args.skip != "clean":
        results["cleaning"] = cleaning([texts[i] for i in train], y[train], classes,
                                       args.noise, args.seeds)
        first = next(iter(results["cleaning"].values()))
        results["cleaning_flips"] = first[0]["flips"]
    if args.skip != "al":
        features = {FEATURES[0]: embed(texts, None), FEATURES[1]: embed(texts, "ko"),
                    FEATURES[2]: tfidf_vectors(texts, is_test, None, args.dims),
                    FEATURES[3]: tfidf_vectors(texts, is_test, "ko", args.dims)}
        results["active_learning"] = active_learning(
            features, [classes[i] for i in y], is_test, args.seeds, args.budget, args.batch)
    results["load_average"] = {"before": load_before,
                               "after": [round(v, 2) for v in os.getloadavg()]}
    checkpoints = [n for n in (200, 500, args.budget) if n <= args.budget]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    document = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    (out / f"korean_loop{args.tag}.json").write_text(document, encoding="utf-8")
    if "cleaning" in results and "active_learning" in results:
        table = markdown(results, checkpoints)
        (out / f"korean_loop{args.tag}.md").write_text(table, encoding="utf-8")
        print(table)


if __name__ == "__main__":
    main()
