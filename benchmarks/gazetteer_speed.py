"""Gazetteer matching speed: the span rules' phrase pattern with one shared look-behind
against one look-behind per phrase (how it was first written), on BC5CDR.

Claim: a gazetteer of the few thousand entity strings of BC5CDR's train split marks test
abstracts many times faster with the shared look-behind, finding the same spans
(``spans.rules.phrase_pattern``; the equivalence is property-tested in
tests/unit/spans/test_rules.py). CPU time (``time.process_time``), median of ``--runs``.

    PYTHONPATH=src python benchmarks/gazetteer_speed.py      # TEXTLOOP_TEST_DATA=../shared/data
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from textloop.spans.conll import read_conll
from textloop.spans.rules import phrase_pattern

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))  # the oracle lives with the tests
from _machine import machine_info
from tests.unit.spans.gazetteer_oracle import one_lookbehind_per_phrase

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans" / "bc5cdr"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    phrases = sorted({r.text[s.start:s.end] for r in read_conll(DATA / "train.tsv")
                      for s in r.spans})
    texts = [r.text for r in read_conll(DATA / "test.tsv")][:args.texts]
    out = {"machine": machine_info(), "phrases": len(phrases), "texts": len(texts)}
    for case_sensitive in (True, False):
        for name, build in (("per_phrase", one_lookbehind_per_phrase), ("shared", phrase_pattern)):
            pattern = build(phrases, case_sensitive)
            runs, found = [], []
            for _ in range(args.runs):
                began = time.process_time()
                found = [(i, m.span()) for i, text in enumerate(texts)
                         for m in pattern.finditer(text)]
                runs.append(time.process_time() - began)
            key = f"{name}_{'cased' if case_sensitive else 'ignorecase'}"
            out[key] = {"cpu_s_median": round(statistics.median(runs), 3),
                        "cpu_s_runs": [round(r, 3) for r in runs], "matches": len(found)}
            print(key, out[key], flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
