"""The no-torch span model (``minilm-crf``): strict entity micro-F1 and CPU time on the dev
corpora, with its variants side by side.

Claim (issue 16): a span project trains on a laptop in seconds to minutes with MiniLM's
int8 per-token vectors and a constrained CRF. Each corpus is trained on its train split and
scored on its development split (never the test split) with
``measures.span_metrics.span_metrics`` (seqeval's strict entities, micro over types):

- WNUT-17: ``wnut17/train.conll`` → ``wnut17/dev.conll``;
- BC5CDR: ``bc5cdr/train.tsv`` → ``bc5cdr/devel.tsv``.

Variants (``--variants``, comma-separated): ``default`` (mean of a token's piece vectors,
one neighbour each side, shape flags, IOB2, 100 L-BFGS iterations), ``first`` (the first
piece's vector), ``no-shape``, ``no-context``, ``context2`` (two neighbours each side),
``bilou`` and ``iter300`` (three times the default L-BFGS iterations). The fit time
includes computing the token vectors; the predict time is for the whole dev split. The
default run is small (``--train 300 --dev 200``, default variant); ``--train 0 --dev 0``
uses the full splits. Set ``TEXTLOOP_TEST_DATA`` when the data is not at
``../shared/data``.

Run from the repository root, on a quiet machine (check ``uptime``)::

    PYTHONPATH=src python benchmarks/span_model.py --train 0 --dev 0 --variants default,first

Results: printed, and written to benchmarks/results/span_model.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from textloop.measures.span_metrics import span_metrics
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans.conll import read_conll

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA = {"wnut17": ("wnut17/train.conll", "wnut17/dev.conll"),
           "bc5cdr": ("bc5cdr/train.tsv", "bc5cdr/devel.tsv")}
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {}, "first": {"pooling": "first"}, "no-shape": {"shape_features": False},
    "no-context": {"context": 0}, "bilou": {"scheme": "BILOU"}, "context2": {"context": 2},
    "iter300": {"max_iter": 300}}


def load(name: str, limit: int) -> tuple[list[str], list[list[Any]]]:
    records = list(read_conll(DATA / name))
    if limit:
        records = records[:limit]
    return [r.text for r in records], [r.spans for r in records]


def run(corpus: str, variant: str, train: int, dev: int) -> dict[str, Any]:
    train_file, dev_file = CORPORA[corpus]
    texts, spans = load(train_file, train)
    dev_texts, dev_spans = load(dev_file, dev)
    model = MiniLMCrf(**VARIANTS[variant])
    began = time.perf_counter()
    model.fit(texts, spans)
    fitted = time.perf_counter()
    predicted = model.predict(dev_texts)
    done = time.perf_counter()
    ids = [str(i) for i in range(len(dev_texts))]
    scores = span_metrics(dict(zip(ids, dev_spans, strict=True)),
                          dict(zip(ids, predicted, strict=True)),
                          dict(zip(ids, dev_texts, strict=True)))
    return {"corpus": corpus, "variant": variant, "train_sentences": len(texts),
            "dev_sentences": len(dev_texts), "entity_micro_f1": round(scores["entity_micro_f1"], 4),
            "entity_micro_precision": round(scores["entity_micro_precision"], 4),
            "entity_micro_recall": round(scores["entity_micro_recall"], 4),
            "partial_micro_f1": round(scores["partial_micro_f1"], 4),
            "fit_seconds": round(fitted - began, 1), "predict_seconds": round(done - fitted, 1),
            "lbfgs_iterations": model.n_iter_}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="wnut17,bc5cdr")
    parser.add_argument("--variants", default="default")
    parser.add_argument("--train", type=int, default=300, help="train sentences (0: all)")
    parser.add_argument("--dev", type=int, default=200, help="dev sentences (0: all)")
    args = parser.parse_args()
    results = []
    for corpus in args.corpora.split(","):
        for variant in args.variants.split(","):
            row = run(corpus, variant, args.train, args.dev)
            print(json.dumps(row), flush=True)
            results.append(row)
    out = Path(__file__).parent / "results" / "span_model.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine_info(), "results": results}, indent=2) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
