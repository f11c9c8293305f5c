"""The fine-tuned span model (``minilm-tagger``): strict entity micro-F1 on the test splits,
int8 against fp32 of the same trained model, predict speed, training time and epochs.

Claims (issue 16): the fine-tuned MiniLM reaches WNUT-17 test ≥ 0.44 and BC5CDR test ≥ 0.82
(within 5 points of fine-tuned BERT-base), and its int8 graph scores within 1 point of
fp32. Each corpus is trained on its train split with early stopping on the development
split's strict entity micro-F1 (``EarlyStopping``, patience 2, best epoch restored, as
``textloop train`` does) and scored once on the test split (never tuned on):

- WNUT-17: ``wnut17/train.conll`` → ``dev.conll`` → ``test.conll``;
- BC5CDR: ``bc5cdr/train.tsv`` → ``devel.tsv`` → ``test.tsv``.

The same weights are then served at ``precision=int8`` and ``fp32`` (ONNX Runtime, no
torch): entity F1 on the whole test split, and predict speed as the median of ``--repeats``
passes over the first ``--speed-texts`` test sentences (texts/s, graph already built).
Training is bounded by ``--budget-minutes`` (an epoch that ends past it is the last; the
best epoch so far is kept). ``--train``, ``--dev`` and ``--test`` cap the sentences (0:
all).

Run from the repository root, on a quiet machine (check ``uptime``)::

    PYTHONPATH=src python benchmarks/span_tagger.py --corpora wnut17,bc5cdr

Results: printed, and written to benchmarks/results/span_tagger.json (one row per corpus,
merged with the rows already there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from textloop.measures.span_metrics import span_metrics
from textloop.models.spans.tagger import MiniLMTagger
from textloop.spans.conll import read_conll
from textloop.stages.train.monitoring import EarlyStopping

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA = {"wnut17": ("wnut17/train.conll", "wnut17/dev.conll", "wnut17/test.conll"),
           "bc5cdr": ("bc5cdr/train.tsv", "bc5cdr/devel.tsv", "bc5cdr/test.tsv")}
OUT = Path(__file__).parent / "results" / "span_tagger.json"


def load(name: str, limit: int = 0) -> tuple[list[str], list[list[Any]]]:
    records = list(read_conll(DATA / name))
    if limit:
        records = records[:limit]
    return [r.text for r in records], [r.spans for r in records]


def strict_f1(texts: list[str], gold: list[list[Any]], predicted: list[list[Any]]
              ) -> dict[str, float]:
    ids = [str(i) for i in range(len(texts))]
    scores = span_metrics(dict(zip(ids, gold, strict=True)),
                          dict(zip(ids, predicted, strict=True)),
                          dict(zip(ids, texts, strict=True)))
    return {key: round(scores[f"entity_micro_{key}"], 4)
            for key in ("f1", "precision", "recall")}


def run(corpus: str, args: argparse.Namespace, params: dict[str, Any]) -> dict[str, Any]:
    train_file, dev_file, test_file = CORPORA[corpus]
    texts, spans = load(train_file, args.train)
    dev_texts, dev_spans = load(dev_file, args.dev)
    test_texts, test_spans = load(test_file, args.test)
    model = MiniLMTagger(**params)
    stopper = EarlyStopping(monitor="val/entity_micro_f1", patience=args.patience)
    began = time.perf_counter()
    budget = args.budget_minutes * 60

    def on_epoch(epoch: int, metrics: dict[str, float], fitted: Any) -> bool:
        print(json.dumps({"corpus": corpus, "epoch": epoch,
                          "seconds": round(time.perf_counter() - began),
                          **{k: round(v, 4) for k, v in metrics.items()}}), flush=True)
        return stopper.on_epoch(epoch, metrics, fitted) or time.perf_counter() - began > budget

    model.fit(texts, spans, validation=(dev_texts, dev_spans), on_epoch=on_epoch)
    restored = stopper.finish(model)
    fit_seconds = time.perf_counter() - began
    row: dict[str, Any] = {
        "corpus": corpus, "params": model.get_params(), "train_sentences": len(texts),
        "dev_sentences": len(dev_texts), "test_sentences": len(test_texts),
        "epochs_run": len(stopper.history), "best_epoch": stopper.best_epoch,
        "restored_epoch": restored, "stopped_early": stopper.stopped_early,
        "dev_entity_micro_f1_by_epoch": [round(r["val/entity_micro_f1"], 4)
                                         for r in stopper.history],
        "train_seconds": round(fit_seconds, 1)}
    speed_texts = test_texts[:args.speed_texts]
    for precision in ("int8", "fp32"):
        model.set_params(precision=precision)
        started = time.perf_counter()
        predicted = model.predict(test_texts)
        row[f"test_{precision}"] = strict_f1(test_texts, test_spans, predicted)
        row[f"test_{precision}"]["first_pass_seconds"] = round(time.perf_counter() - started, 1)
        rates = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            model.predict(speed_texts)
            rates.append(len(speed_texts) / (time.perf_counter() - started))
        row[f"test_{precision}"]["texts_per_second_median"] = round(statistics.median(rates), 1)
        row[f"test_{precision}"]["texts_per_second_runs"] = [round(r, 1) for r in rates]
    row["int8_minus_fp32_f1"] = round(row["test_int8"]["f1"] - row["test_fp32"]["f1"], 4)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="wnut17,bc5cdr")
    parser.add_argument("--train", type=int, default=0, help="train sentences (0: all)")
    parser.add_argument("--dev", type=int, default=0, help="dev sentences (0: all)")
    parser.add_argument("--test", type=int, default=0, help="test sentences (0: all; a "
                        "smoke run only: the recorded figures use the whole split)")
    parser.add_argument("--budget-minutes", type=float, default=25.0)
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--speed-texts", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--param", action="append", default=[],
                        help="a model parameter, KEY=JSON (e.g. epochs=8)")
    args = parser.parse_args()
    params = {key: json.loads(value) for key, value in
              (item.split("=", 1) for item in args.param)}
    previous = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    rows = {row["corpus"]: row for row in previous.get("results", [])}
    for corpus in args.corpora.split(","):
        row = run(corpus, args, params)
        row["machine"] = machine_info()
        print(json.dumps(row), flush=True)
        rows[corpus] = row
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps({"results": list(rows.values())}, indent=2) + "\n",
                       encoding="utf-8")


if __name__ == "__main__":
    main()
