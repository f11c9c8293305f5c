"""Generation throughput of each synthetic-text generator, in texts per second.

Every generator gets the same request: new texts for class ``spam`` of the SMS spam set,
with the first 50 real spam texts as seeds. The model-free augmenters (synonym, swap,
insert, delete, typo) make ``--count`` texts; the LLM generators make ``--llm-count``:
``gguf`` runs the default local model (SmolLM2-135M-Instruct, Q4_1) in process on every
core, and ``openai`` asks the endpoint given with ``--endpoint``/``--model`` (for example
llama.cpp's server on the same GGUF file). Reported per generator: the median rate over
``--reps`` runs (each with another request seed), how many texts came back, and for the LLM
generators the requests made per text. A generator whose dependency is missing is listed
as skipped, with the reason.

Run from the repository root::

    python benchmarks/synth_throughput.py --reps 3
    python benchmarks/synth_throughput.py --only openai --endpoint http://127.0.0.1:8080/v1 \\
        --model smollm2

Results go to benchmarks/results/synth_throughput.json (or --out PATH).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from textloop.errors import TextloopError
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Brief, Request, Seed, make_generator

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sms_spam.jsonl.gz"
AUGMENTERS = ("synonym", "swap", "insert", "delete", "typo")


def spam_brief(n: int) -> Brief:
    seeds = []
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            row = json.loads(line)
            if row["label"] == "spam":
                seeds.append(Seed(f"sms-{line_no}", row["text"]))
                if len(seeds) == n:
                    break
    return Brief("spam", "Unsolicited advertising, prize or scam SMS messages",
                 tuple(seeds), ("ham",))


def measure(name: str, settings: dict[str, Any], brief: Brief, count: int,
            reps: int) -> dict[str, Any]:
    """Median texts/s over ``reps`` requests (seeds 0..reps-1); a skip on a missing
    dependency. Building the generator (loading WordNet or a model) is not timed."""
    try:
        generator = make_generator(name, **settings)
        generator.generate(Request(brief, 1, seed=10**6), NULL_PROGRESS)  # warm-up
    except TextloopError as exc:
        return {"skipped": exc.message, "hint": exc.hint}
    rates, made = [], []
    endpoint = getattr(generator, "endpoint", None)
    start_attempts = endpoint.attempts if endpoint is not None else None
    for seed in range(reps):
        start = time.perf_counter()
        texts = generator.generate(Request(brief, count, seed=seed), NULL_PROGRESS)
        rates.append(len(texts) / (time.perf_counter() - start))
        made.append(len(texts))
    result: dict[str, Any] = {"texts_per_s": round(statistics.median(rates), 2),
                              "rates": [round(r, 2) for r in rates], "texts": made,
                              "asked": count, "settings": settings}
    if endpoint is not None and start_attempts is not None:
        result["requests_per_text"] = round((endpoint.attempts - start_attempts) / sum(made), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="texts per augmenter run")
    parser.add_argument("--llm-count", type=int, default=20, help="texts per LLM run")
    parser.add_argument("--seeds", type=int, default=50, help="real spam texts as seeds")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--per-call", type=int, default=10, help="texts asked per LLM call")
    parser.add_argument("--endpoint", help="base URL of an OpenAI-compatible endpoint")
    parser.add_argument("--model", help="model name served at --endpoint")
    parser.add_argument("--only", nargs="*", help="measure only these generators")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "synth_throughput.json")
    args = parser.parse_args()

    brief = spam_brief(args.seeds)
    llm = {"per_call": args.per_call, "max_tokens": 60 * args.per_call}
    plan: dict[str, tuple[dict[str, Any], int]] = {
        name: ({}, args.count) for name in AUGMENTERS}
    plan["gguf"] = (dict(llm), args.llm_count)
    if args.endpoint:
        plan["openai"] = ({"base_url": args.endpoint, "model": args.model, **llm},
                          args.llm_count)
    results: dict[str, Any] = {}
    for name, (settings, count) in plan.items():
        if args.only and name not in args.only:
            continue
        results[name] = measure(name, settings, brief, count, args.reps)
        print(name, json.dumps(results[name]), flush=True)
    if not args.endpoint:
        results["openai"] = {"skipped": "no --endpoint given"}

    result = {"benchmark": "synth_throughput", "machine": machine_info(),
              "load_average": os.getloadavg(), "seeds": args.seeds, "reps": args.reps,
              "generators": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
