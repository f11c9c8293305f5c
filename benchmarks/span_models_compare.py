"""Span models side by side: strict entity micro-F1 on the corpora's **test** splits, with
training and predict time, each registered span model trained on the train split.

Claim (issue 16, Benchmarks): entity micro-F1 (strict) on the dev corpora's test splits,
each model side by side, with the CPU cost of training each model on each corpus. Corpora
(``../shared/data/spans/``, see its README):

- WNUT-17: ``train.conll`` / ``dev.conll`` / ``test.conll``;
- BC5CDR: ``train.tsv`` / ``devel.tsv`` / ``test.tsv``;
- BTC (when present): it ships sections, not splits; here sections a, b, e and g train,
  h validates and f is the test split (a choice of this benchmark, recorded in the results).

Models (``--models``, comma-separated; default: every model registered for span projects,
so ``minilm-tagger`` joins as soon as it is registered, with a printed note while it is
not). A model may carry parameters, ``minilm-crf:encoder=minilm-fp32`` (``key=value`` after
a colon, several joined by ``+``): that is how int8 and fp32 token vectors are compared.

How each model is trained: the way ``textloop train`` fits it, without the release step
(a release splits records its own way, and the corpora's published test splits are the
point here). A real span project (defaults of ``textloop init --task spans``, its store) is
created per corpus, and the corpus splits are handed to the stage's own fitting
(``stages.train.fitting.fit_on_train_split``: validation = the dev split for models that
train by epochs with early stopping) after the stage's own parameter steps
(``apply_span_rules``, ``apply_training_defaults``). The training time is that fit (token
vectors included); ``textloop train`` also scores the train and validation splits for its
metrics, which is not counted. The predict time is ``predict_scored`` over the whole test
split (what ``/v1/extract`` calls). Scores: ``measures.span_metrics`` (seqeval's strict
entities; micro, macro and per type).

``span-rules`` is the baseline, with rules built **from the train split only**
(``train_gazetteer``): one gazetteer per type of the entity strings marked in train, each
string under the type it is most often marked with, and only strings that, matched
(longest first, whole words) over the train texts, mark a gold span of that type at least
``--gazetteer-precision`` of the time (default 0.5: drops "the"-like strings). Nothing of
the dev or test split is read to build it.

``--seeds N`` repeats each model N times (seed = 0..N-1 for models that take a ``seed`` or
``random_state``; deterministic models give the same scores and the timings vary) and
reports medians. Wall times count other work on the machine; the CPU times beside them
(``time.process_time``, all threads of the process) count much less of it.
``--train``/``--test`` cap the sentences for a quick run (0: all; the validation split is
capped like train).

Run from the repository root, on a quiet machine (check ``uptime``)::

    PYTHONPATH=src python benchmarks/span_models_compare.py --train 0 --test 0
    PYTHONPATH=src python benchmarks/span_models_compare.py --corpora wnut17 \\
        --models minilm-crf,minilm-crf:encoder=minilm-fp32 --train 0 --test 0

Results: printed, and written to benchmarks/results/span_models_compare.json (or --out).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

from textloop.spans import Span, encode_spans

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA: dict[str, dict[str, tuple[str, ...]]] = {
    "wnut17": {"train": ("wnut17/train.conll",), "validation": ("wnut17/dev.conll",),
               "test": ("wnut17/test.conll",)},
    "bc5cdr": {"train": ("bc5cdr/train.tsv",), "validation": ("bc5cdr/devel.tsv",),
               "test": ("bc5cdr/test.tsv",)},
    "btc": {"train": ("btc/a.conll", "btc/b.conll", "btc/e.conll", "btc/g.conll"),
            "validation": ("btc/h.conll",), "test": ("btc/f.conll",)},
}
EXPECTED = ("span-rules", "minilm-crf", "minilm-tagger")
"""Models the issue names; one not registered yet is skipped with a note."""


@dataclass(frozen=True)
class Split:
    texts: list[str]
    spans: list[list[Span]]


def load_split(files: Sequence[str], limit: int) -> Split:
    """The sentences of ``files`` in order (the first ``limit`` of them; 0: all)."""
    from textloop.spans.conll import read_conll

    records = [r for name in files for r in read_conll(DATA / name)]
    if limit:
        records = records[:limit]
    return Split([r.text for r in records], [list(r.spans) for r in records])


# --- the span-rules baseline's rules, from the train split only -------------------------

def train_gazetteer(texts: Sequence[str], spans: Sequence[Sequence[Span]], *,
                    min_precision: float = 0.5, case_sensitive: bool = True
                    ) -> list[dict[str, Any]]:
    """``span_rules:`` entries (one gazetteer per type, named ``train-TYPE``) from training
    texts and their gold spans; see the module docstring for the rule. Read nothing else:
    the baseline must never see dev or test entities."""
    from textloop.models.span_rules import SpanRulesModel

    def key(phrase: str) -> str:
        return phrase if case_sensitive else phrase.casefold()

    marked: dict[str, Counter[str]] = defaultdict(Counter)
    written: dict[str, str] = {}
    for text, row in zip(texts, spans, strict=True):
        for span in row:
            phrase = " ".join(text[span.start:span.end].split())
            if phrase:
                marked[key(phrase)][span.label] += 1
                written.setdefault(key(phrase), phrase)
    owner = {k: counts.most_common(1)[0][0] for k, counts in marked.items()}

    def rules_of(keys: Sequence[str]) -> list[dict[str, Any]]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            by_label[owner[k]].append(written[k])
        return [{"name": f"train-{label}".replace(" ", "_"), "label": label,
                 "phrases": sorted(phrases), "case_sensitive": case_sensitive}
                for label, phrases in sorted(by_label.items())]

    candidates = sorted(owner)
    if min_precision <= 0 or not candidates:
        return rules_of(candidates)
    model = SpanRulesModel(rules=rules_of(candidates)).fit([])
    hits: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for text, gold, found in zip(texts, spans, model.predict(texts), strict=True):
        truth = {(s.start, s.end, s.label) for s in gold}
        for span in found:
            k = key(" ".join(text[span.start:span.end].split()))
            hits[k] += 1
            right[k] += (span.start, span.end, span.label) in truth
    kept = [k for k in candidates if hits[k] == 0 or right[k] / hits[k] >= min_precision]
    return rules_of(kept)


# --- models -------------------------------------------------------------------------------

def parse_model(spec: str) -> tuple[str, dict[str, Any]]:
    """``name`` or ``name:key=value+key=value`` (values read as JSON where they parse)."""
    name, _, rest = spec.partition(":")
    params: dict[str, Any] = {}
    for item in filter(None, rest.split("+")):
        key, _, value = item.partition("=")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return name, params


def span_models(requested: str | None) -> list[str]:
    """The model specs to run: ``requested``, or every registered span model (the task's
    own list). Prints a note for a model the issue names that is not registered."""
    from textloop.tasks import get_task

    registered = get_task("spans").allowed_models()
    for name in EXPECTED:
        if name not in registered:
            print(f"note: {name} is not registered here; skipped", flush=True)
    if requested is None:
        return registered
    specs = [s for s in requested.split(",") if s]
    missing = [s for s in specs if parse_model(s)[0] not in registered]
    for spec in missing:
        print(f"note: {spec} is not a registered span model; skipped", flush=True)
    return [s for s in specs if s not in missing]


def seed_params(estimator: Any, seed: int) -> dict[str, Any]:
    accepted = estimator.get_params()
    return {k: seed for k in ("seed", "random_state") if k in accepted}


def run_model(spec: str, seed: int, corpus: str, splits: dict[str, Split],
              labels: list[str], project: Any, store: Any,
              gazetteer: Callable[[], list[dict[str, Any]]]
              ) -> dict[str, Any]:
    """Fit one model the way ``textloop train`` does on the corpus's train split, predict
    the test split, score it. ``gazetteer()`` gives the train-split rules of a model that
    uses span rules (built on first use: it reads the whole train split)."""
    from textloop.config.span_rules import SpanRule
    from textloop.measures.span_metrics import span_metrics
    from textloop.models.classifiers import make_model
    from textloop.models.tags import model_tags
    from textloop.progress import NULL_PROGRESS
    from textloop.stages.release import ReleaseData
    from textloop.stages.release.loader import SplitData
    from textloop.stages.train.fitting import fit_on_train_split
    from textloop.stages.train.training import apply_span_rules, apply_training_defaults
    from textloop.tasks import task_for

    name, params = parse_model(spec)
    task = task_for(project)
    full_name, estimator = make_model(name, params, project.spec.language)
    task.check_model(estimator, full_name)
    tags = model_tags(estimator)
    if tags.uses_span_rules:
        project.spec.span_rules = [SpanRule.model_validate(rule) for rule in gazetteer()]
        apply_span_rules(estimator, params, project)
    if tags.iterative:
        apply_training_defaults(estimator, params, project)
    estimator.set_params(**seed_params(estimator, seed))
    data = ReleaseData(
        id=f"{corpus}-files", number=0, path=DATA, parent=None, labels=labels, manifest={},
        splits={split: SplitData(ids=[str(i) for i in range(len(part.texts))],
                                 texts=part.texts,
                                 labels=[encode_spans(row) for row in part.spans],
                                 meta=[{} for _ in part.texts])
                for split, part in splits.items()})
    began, began_cpu = time.perf_counter(), time.process_time()
    _, _, monitored = fit_on_train_split(store, project, estimator, data, NULL_PROGRESS)
    fitted, fitted_cpu = time.perf_counter(), time.process_time()
    test = splits["test"]
    output = task.model_output(estimator, test.texts)
    predicted, predicted_cpu = time.perf_counter(), time.process_time()
    ids = [str(i) for i in range(len(test.texts))]
    scores = span_metrics(dict(zip(ids, test.spans, strict=True)),
                          dict(zip(ids, output.spans(), strict=True)),
                          dict(zip(ids, test.texts, strict=True)), labels=labels)
    row = {"corpus": corpus, "model": spec, "full_name": full_name,
           "params": {k: v for k, v in estimator.get_params().items() if k != "rules"},
           "seed": seed, **{k: round(scores[k], 4) for k in (
               "entity_micro_f1", "entity_micro_precision", "entity_micro_recall",
               "entity_macro_f1", "partial_micro_f1", "token_accuracy")},
           "per_type_f1": {t: round(v["f1"], 4) for t, v in scores["per_type"].items()},
           "n_gold": scores["n_gold"], "n_predicted": scores["n_predicted"],
           "fit_seconds": round(fitted - began, 2),
           "predict_seconds": round(predicted - fitted, 2),
           "fit_cpu_seconds": round(fitted_cpu - began_cpu, 2),
           "predict_cpu_seconds": round(predicted_cpu - fitted_cpu, 2),
           "test_sentences_per_s": round(len(test.texts) / max(predicted - fitted, 1e-9), 1)}
    if monitored is not None:
        row["training"] = {"epochs_run": monitored.epochs_run,
                           "restored_epoch": monitored.restored_epoch,
                           "verdict": monitored.to_json().get("verdict")}
    return row


def median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's identity with the median of every number over the runs."""
    out = dict(rows[0])
    for key, value in rows[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "seed":
            out[key] = round(statistics.median(r[key] for r in rows), 4)
    out["per_type_f1"] = {t: round(statistics.median(r["per_type_f1"][t] for r in rows), 4)
                          for t in rows[0]["per_type_f1"]}
    out["runs"] = len(rows)
    out.pop("seed")
    if len(rows) > 1:
        out["entity_micro_f1_runs"] = [r["entity_micro_f1"] for r in rows]
        out["fit_seconds_runs"] = [r["fit_seconds"] for r in rows]
    return out


def corpus_project(folder: Path, corpus: str, labels: list[str]) -> tuple[Any, Any]:
    from textloop.config import Label
    from textloop.stages.project.init import init_project
    from textloop.storage import Store

    project = init_project(folder / corpus, labels=[Label(name=n) for n in labels],
                           task="spans", language="en")
    return project, Store.for_project(project)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="wnut17,bc5cdr,btc")
    parser.add_argument("--models", default=None,
                        help="comma-separated specs (default: every registered span model)")
    parser.add_argument("--train", type=int, default=300, help="train sentences (0: all)")
    parser.add_argument("--test", type=int, default=300, help="test sentences (0: all)")
    parser.add_argument("--seeds", type=int, default=1, help="runs per model (medians)")
    parser.add_argument("--gazetteer-precision", type=float, default=0.5)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "span_models_compare.json")
    args = parser.parse_args()
    specs = span_models(args.models)
    folder = Path(tempfile.mkdtemp(prefix="span-compare-"))
    results: list[dict[str, Any]] = []
    splits_used: dict[str, Any] = {}
    for corpus in args.corpora.split(","):
        files = CORPORA[corpus]
        if not all((DATA / f).exists() for part in files.values() for f in part):
            print(f"note: {corpus} is not under {DATA}; skipped", flush=True)
            continue
        splits = {name: load_split(part, args.test if name == "test" else args.train)
                  for name, part in files.items()}
        labels = sorted({s.label for part in splits.values() for row in part.spans
                         for s in row})
        gazetteer = functools.cache(functools.partial(
            train_gazetteer, splits["train"].texts, splits["train"].spans,
            min_precision=args.gazetteer_precision))
        splits_used[corpus] = {
            "files": files, "sentences": {k: len(v.texts) for k, v in splits.items()}}
        print(f"{corpus}: {splits_used[corpus]}", flush=True)
        project, store = corpus_project(folder, corpus, labels)
        with store:
            for spec in specs:
                rows = [run_model(spec, seed, corpus, splits, labels, project, store,
                                  gazetteer) for seed in range(args.seeds)]
                row = median_row(rows)
                if gazetteer.cache_info().currsize:
                    splits_used[corpus]["gazetteer_phrases"] = {
                        r["label"]: len(r["phrases"]) for r in gazetteer()}
                print(json.dumps(row), flush=True)
                results.append(row)
    out = {"machine": machine_info(), "load_average": [round(v, 2) for v in os.getloadavg()],
           "corpora": splits_used, "seeds": args.seeds,
           "gazetteer_precision": args.gazetteer_precision, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
