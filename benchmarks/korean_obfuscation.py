"""Korean: does writing obfuscated profanity back in its plain form help a toxicity model?

Claim: BENCHMARKS.md "Korean: profanity de-obfuscation". tfidf-lr as ``textloop train``
builds it for a Korean project (``make_model("tfidf-lr", language="ko")``: character 1-4-
grams) is fitted on the Korean hate speech (BEEP!) train split (7,896) and scored on its
validation split (471) by macro-F1, once on the texts as they are and once with
``strategies.normalize.korean_obfuscation.deobfuscate`` applied to both splits. The split is
fixed and the fit deterministic: one number per variant. Also counted: how many texts the
normaliser changes. Run from the repository root, one process::

    python benchmarks/korean_obfuscation.py

Results: benchmarks/results/korean_obfuscation.json.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

from sklearn.metrics import f1_score

from textloop.models.classifiers import make_model
from textloop.strategies.normalize.korean_obfuscation import deobfuscate

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import DATA as SHARED_DATA
from _machine import machine_info

OUT = Path(__file__).parent / "results" / "korean_obfuscation.json"


def macro_f1(train: list[dict], validation: list[dict], normalise: bool) -> float:
    def texts(rows: list[dict]) -> list[str]:
        return [deobfuscate(r["text"]) if normalise else r["text"] for r in rows]

    _, model = make_model("tfidf-lr", language="ko")
    model.fit(texts(train), [r["label"] for r in train])
    predicted = model.predict(texts(validation))
    return float(f1_score([r["label"] for r in validation], predicted, average="macro"))


def main() -> None:
    path = SHARED_DATA / "korean" / "korean_hate_speech.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    train = [r for r in rows if r["split"] == "train"]
    validation = [r for r in rows if r["split"] == "validation"]
    changed = {name: sum(deobfuscate(r["text"]) != r["text"] for r in part)
               for name, part in (("train", train), ("validation", validation))}
    start = time.perf_counter()
    result = {"plain": macro_f1(train, validation, False),
              "deobfuscated": macro_f1(train, validation, True),
              "texts_changed": changed, "rows": {"train": len(train),
                                                 "validation": len(validation)},
              "seconds": round(time.perf_counter() - start, 1), "machine": machine_info()}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
