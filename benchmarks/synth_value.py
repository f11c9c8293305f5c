"""What synthetic data is worth at 8 labeled examples per class, and whether textloop's gate
and decision rule keep a batch from making the model worse.

Claim: with 8 labeled examples per class, the batch textloop ends up using (the gate's
accepted items if ``textloop synth evaluate`` accepts the batch, nothing if it holds the
batch back) never lowers macro-F1 on real data (median over seeds) on banking77, ag_news and
sst2. Anchor: adding synthetic examples to a SetFit task has been reported to raise one task
by 11 points and lower another by 9, so an ungated batch can go either way.

Per data set and seed, the rows are split as the other dev-set benchmarks split them
(``_dev_sets.split``, the release planner, 80/10/10). From the train part, 8 examples per
class are drawn: they are everything the project holds. The project then runs the loop a
user runs: import, release (the project's own 80/10/10: 6 train, 1 validation, 1 test per
class), train ``embed-lr`` (MiniLM int8 + logistic regression, the project's model),
register and promote it (the champion checks candidate labels for the gate), then, on a
copy of that project per generator: ``synthesize`` (every class targeted, ``--per-class``
texts each), ``evaluate_batch`` (the rule: no class loses more than 1 F1 point, macro-F1
does not fall; with one test row per class it reads cross-fitted deltas over the project's
real rows), ``create_release`` and ``train`` again. The decision sees only the project's
rows; every score reported here is measured on a separate sample of real rows from the data
set's test part (``--eval-rows``), which no project ever holds or sees. Arms, all
``embed-lr`` on the project's v1 train split:

- *without*: no synthetic rows;
- *all generated*: plus every candidate the generator made, the gate ignored;
- *gate-accepted*: plus the items the gate accepted;
- *final*: the model ``textloop train`` makes from the release after the decision, i.e.
  what a user gets (equal to *without* when the batch is held back).

Generation throughput (texts/s) is the generator's own time (the progress tasks it opens),
measured inside the same runs; for ``gguf`` it includes loading the model once per batch.

Run from the repository root (on 2 cores: the five model-free generators about 1.5 minutes
on sst2 and ag_news and 15 on banking77 with 10 classes targeted; SmolLM2 about 12 minutes on
sst2 and ag_news and 40 on banking77)::

    python benchmarks/synth_value.py --datasets sst2,ag_news --seeds 5 \\
        --generators synonym,swap,insert,delete,typo --tag model-free
    python benchmarks/synth_value.py --datasets banking77 --classes 10 --seeds 5 \\
        --generators synonym,swap,insert,delete,typo --tag model-free-b77-10
    python benchmarks/synth_value.py --datasets sst2,ag_news --seeds 5 --generators gguf \\
        --tag gguf
    python benchmarks/synth_value.py --datasets banking77 --classes 10 --seeds 5 \\
        --generators gguf --tag gguf-b77-10

Results: benchmarks/results/synth_value[-TAG].json and .md; the projects are built under
``--work`` (a temporary folder unless given) and removed unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from textloop.config import Label, Project, load_spec
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.models.classifiers import make_model
from textloop.progress import NULL_PROGRESS, Task
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.stages.runs.loading import load_run, model_inputs
from textloop.stages.synthesize import SynthOptions, evaluate_batch, synthesize
from textloop.stages.train.training import train
from textloop.stages.versions.promotion import promote
from textloop.stages.versions.register import register_run
from textloop.storage import Store, synth

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import load, split, spread, write_results
from _machine import machine_info

DATASETS = ("banking77", "ag_news", "sst2")
GENERATORS = ("synonym", "swap", "insert", "delete", "typo", "gguf")
MODEL = "embed-lr"
PER_CLASS_LABELED = 8
ACTOR = "synth-value"
GENERATION_TASKS = ("generating ", "augmenting ")
"""Descriptions of the progress tasks generators open (prompted.py, augment.py)."""
ARMS = ("without", "all", "accepted", "final", "copies_all", "copies_accepted", "balanced")


class _Count:
    def advance(self, n: int = 1) -> None:
        return None


class StepTimes:
    """A ``Progress`` that records how long each task took, summed by description."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def task(self, description: str, total: int | None = None,
             unit: str = "items") -> Iterator[Task]:
        start = time.perf_counter()
        try:
            yield _Count()
        finally:
            self.seconds[description] += time.perf_counter() - start

    def generation(self) -> float:
        return sum(s for d, s in self.seconds.items() if d.startswith(GENERATION_TASKS))


@dataclass(frozen=True)
class Rows:
    """Texts and labels of one data set with their cached MiniLM int8 vectors."""

    texts: list[str]
    labels: list[str]
    vectors: np.ndarray
    classes: list[str]


def draw(rows: Rows, seed: int, eval_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(8 labeled rows per class from the train part, the real evaluation sample from the
    test part) for one seed."""
    train_part, _, test_part = split(rows.texts, rows.labels, seed)
    rng = np.random.default_rng(seed)
    labels = np.asarray(rows.labels)
    labeled = np.concatenate([rng.choice(train_part[labels[train_part] == c],
                                         PER_CLASS_LABELED, replace=False)
                              for c in rows.classes])
    if len(test_part) > eval_rows:
        test_part = np.sort(rng.choice(test_part, eval_rows, replace=False))
    return labeled, test_part


def base_project(folder: Path, rows: Rows, labeled: np.ndarray, per_class: int,
                 classes: int | None) -> dict[str, Any]:
    """The project every generator starts from: imported, released, trained, promoted;
    ``classes`` (None: all) are targeted, the champion's weakest first."""
    project = init_project(folder, labels=[Label(name=c) for c in rows.classes])
    raw = yaml.safe_load(project.spec_path.read_text(encoding="utf-8"))
    raw["synth"] = {"classes": classes or len(rows.classes), "per_class": per_class,
                    "evaluate": {"model": MODEL}}
    project.spec_path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    project = Project(project.root, load_spec(project.spec_path))
    data = folder / "labeled.jsonl"
    data.write_text("".join(json.dumps({"text": rows.texts[i], "label": rows.labels[i]}) + "\n"
                            for i in labeled), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions())
        create_release(store, project)
        run = train(store, project, model=MODEL)
        version = register_run(store, project, run.run_id, actor=ACTOR).version
        decision = promote(store, project, str(version["version"]), actor=ACTOR)
        if not decision.promoted:  # a first model has no champion to beat; say if refused
            decision = promote(store, project, str(version["version"]), actor=ACTOR,
                               force=True, reason="first model of the benchmark project")
    return {"run": run.run_id, "promotion": [r.to_json() for r in decision.rules],
            "forced": decision.forced}


def macro_f1(model: Any, vectors: np.ndarray, truth: Sequence[str], classes: list[str],
             calibrate: Any = None) -> float:
    proba = model.predict_proba(vectors) if calibrate is None else calibrate(vectors)
    proba = align_proba(proba, [str(c) for c in model.classes_], classes)
    return float(compute_metrics(list(truth), proba, classes)["macro_f1"])


class Arms:
    """Fits ``embed-lr`` on the project's v1 train split plus extra rows, scores on the
    evaluation sample."""

    def __init__(self, store: Store, rows: Rows, evaluation: np.ndarray) -> None:
        self.store = store
        self.classes = rows.classes
        self.eval_x = rows.vectors[evaluation]
        self.eval_y = [rows.labels[i] for i in evaluation]
        v1 = load_release(store, "v1").train
        self.train_x = self.inputs(v1.texts)
        self.train_y = list(v1.labels)

    def inputs(self, texts: Sequence[str]) -> np.ndarray:
        _, estimator = make_model(MODEL)
        x = model_inputs(estimator, list(texts), self.store, NULL_PROGRESS)
        return np.asarray(x, dtype=np.float32).reshape(len(texts), -1)

    def score(self, texts: Sequence[str] = (), labels: Sequence[str] = ()) -> float:
        """Trained with ``texts`` added."""
        return self._fit_score(self.inputs(texts) if texts else None, list(labels))

    def score_copies(self, labels: Sequence[str]) -> float:
        """Trained with, for each label given, the next real train row of that class added
        again: the same number of extra rows per class as a batch, but no new text (the
        control for what added weight and class balance alone do)."""
        rows: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(self.train_y):
            rows[label].append(i)
        used: Counter[str] = Counter()
        picks = []
        for label in labels:
            picks.append(rows[label][used[label] % len(rows[label])])
            used[label] += 1
        return self._fit_score(self.train_x[picks] if picks else None, list(labels))

    def _fit_score(self, extra: np.ndarray | None, labels: list[str]) -> float:
        _, model = make_model(MODEL)
        x = self.train_x if extra is None else np.vstack([self.train_x, extra])
        model.fit(x, self.train_y + labels)
        return macro_f1(model, self.eval_x, self.eval_y, self.classes)

    def score_run(self, run_id: str) -> float:
        loaded = load_run(self.store, run_id)
        return macro_f1(loaded.model, self.eval_x, self.eval_y, self.classes, loaded.served)


def run_generator(base: Path, folder: Path, generator: str, seed: int, rows: Rows,
                  evaluation: np.ndarray) -> dict[str, Any]:
    """One generator on a copy of the base project: synthesize, evaluate, release, train."""
    shutil.copytree(base, folder)
    project = Project(folder, load_spec(folder / "textloop.yaml"))
    times = StepTimes()
    started = time.perf_counter()
    with Store.for_project(project) as store:
        made = synthesize(store, project, SynthOptions(generator=generator, seed=seed,
                                                       actor=ACTOR), progress=times)
        synth_seconds = time.perf_counter() - started
        with store.read() as conn:
            items = synth.items(conn, made.batch["id"])
        evaluation_result, _ = evaluate_batch(store, project, made.batch["id"])
        create_release(store, project)
        final_run = train(store, project, model=MODEL).run_id
        arms = Arms(store, rows, evaluation)
        accepted = [i for i in items if i["status"] == synth.ITEM_ACCEPTED]
        scores = {"without": arms.score(),
                  "all": arms.score([i["text"] for i in items], [i["label"] for i in items]),
                  "accepted": arms.score([i["text"] for i in accepted],
                                         [i["label"] for i in accepted]),
                  "final": arms.score_run(final_run),
                  "copies_all": arms.score_copies([i["label"] for i in items]),
                  "copies_accepted": arms.score_copies([i["label"] for i in accepted])}
        trimmed = balanced(accepted)
        scores["balanced"] = arms.score([i["text"] for i in trimmed],
                                        [i["label"] for i in trimmed])
    reasons = Counter(i["reason"] for i in items if i["status"] != synth.ITEM_ACCEPTED)
    generation = times.generation()
    return {"generator": generator, "seed": seed, "macro_f1": scores,
            "generated": len(items), "accepted": len(accepted), "rejected": dict(reasons),
            "decision": evaluation_result.decision, "reason": evaluation_result.reason,
            "evidence": evaluation_result.evidence,
            "decision_macro_f1": evaluation_result.deciding.macro_f1,
            "project_test_macro_f1": evaluation_result.comparison.macro_f1,
            "generation_seconds": round(generation, 3),
            "texts_per_s": round(len(items) / generation, 2) if generation else None,
            "synth_seconds": round(synth_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2)}


def balanced(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_label[item["label"]].append(item)
    keep = min(len(v) for v in by_label.values()) if by_label else 0
    return [i for v in by_label.values() for i in v[:keep]]


def run_dataset(name: str, args: argparse.Namespace, generators: Sequence[str], work: Path
                ) -> dict[str, Any]:
    texts, labels, vectors, source = load(name, args.cache, args.max_rows)
    rows = Rows(texts, labels, vectors, sorted(set(labels)))
    runs: list[dict[str, Any]] = []
    bases = []
    for seed in range(args.seeds):
        labeled, evaluation = draw(rows, seed, args.eval_rows)
        base = work / f"{name}-{seed}" / "base"
        bases.append(base_project(base, rows, labeled, args.per_class, args.classes))
        for generator in generators:
            result = run_generator(base, work / f"{name}-{seed}" / generator, generator,
                                   seed, rows, evaluation)
            runs.append(result)
            print(json.dumps({"dataset": name, **{k: result[k] for k in (
                "generator", "seed", "macro_f1", "accepted", "generated", "decision",
                "texts_per_s", "total_seconds")}}), flush=True)
            if not args.keep:
                shutil.rmtree(work / f"{name}-{seed}" / generator)
    return {"source": source, "classes": len(rows.classes), "eval_rows": len(evaluation),
            "base_projects": bases, "runs": runs,
            "generators": {g: summarise([r for r in runs if r["generator"] == g])
                           for g in generators}}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over seeds of each arm, of the paired deltas against *without*, and counts."""
    arms = [arm for arm in ARMS if all(arm in r["macro_f1"] for r in runs)]
    out: dict[str, Any] = {arm: spread([r["macro_f1"][arm] for r in runs]) for arm in arms}
    for arm in arms[1:]:
        out[f"delta_{arm}"] = spread([r["macro_f1"][arm] - r["macro_f1"]["without"]
                                      for r in runs])
    reasons: Counter[str] = Counter()
    for r in runs:
        reasons.update(r["rejected"])
    decided = [r.get("decision_macro_f1", r["project_test_macro_f1"]) for r in runs]
    out["decision_delta"] = spread([d.get("delta", 0.0) for d in decided])
    out["evidence"] = dict(Counter(r.get("evidence", "test") for r in runs))
    rates = [r["texts_per_s"] for r in runs if r["texts_per_s"]]
    out |= {"generated": sum(r["generated"] for r in runs),
            "items_accepted": sum(r["accepted"] for r in runs), "rejected": dict(reasons),
            "decisions": dict(Counter(r["decision"] for r in runs)),
            "texts_per_s": statistics.median(rates) if rates else None,
            "seconds_per_seed": statistics.median(r["total_seconds"] for r in runs)}
    return out


def points(value: float) -> str:
    return f"{100 * value:+.1f}"


def rows_of(reports: Sequence[dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(data set, generator, summary) of every report, a targeted subset named after its
    data set."""
    for report in reports:
        subset = f" ({report['classes']} classes targeted)" if report.get("classes") else ""
        for name, data in report["datasets"].items():
            for generator, summary in data["generators"].items():
                yield name + subset, generator, summary


def arm(s: dict[str, Any], name: str) -> str:
    return f"{s[name]['median']:.3f} ({points(s['delta_' + name]['median'])})"


def main_table(reports: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["| data set | generator | without | all generated (Δ) | gate-accepted (Δ) | "
             "final (Δ; worst seed) | accepted / generated | rejected by reason | "
             "decisions | texts/s |", "|---" * 10 + "|"]
    for name, generator, s in rows_of(reports):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s["rejected"].items(),
                                                           key=lambda kv: -kv[1]))
        decisions = ", ".join(f"{k} {v}" for k, v in sorted(s["decisions"].items()))
        rate = "–" if s["texts_per_s"] is None else f"{s['texts_per_s']:,.2f}"
        lines.append(
            f"| {name} | {generator} | {s['without']['median']:.3f} | {arm(s, 'all')} | "
            f"{arm(s, 'accepted')} | {arm(s, 'final')[:-1]}; "
            f"{points(s['delta_final']['min'])}) | {s['items_accepted']:,} / "
            f"{s['generated']:,} | {reasons or '–'} | {decisions} | {rate} |")
    return lines


def control_table(reports: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["| data set | generator | all generated Δ | copies of real rows, same counts Δ | "
             "gate-accepted Δ | copies, same counts Δ | gate-accepted, same count per class "
             "Δ | the decision's own Δ (what it read) |", "|---" * 8 + "|"]
    for name, generator, s in rows_of(reports):
        cells = [points(s[f"delta_{a}"]["median"]) if f"delta_{a}" in s else "–" for a in
                 ("all", "copies_all", "accepted", "copies_accepted", "balanced")]
        read = ", ".join(f"{k} {v}" for k, v in sorted(s["evidence"].items()))
        lines.append(f"| {name} | {generator} | " + " | ".join(cells)
                     + f" | {points(s['decision_delta']['median'])} ({read}) |")
    return lines


def markdown(reports: Sequence[dict[str, Any]]) -> str:
    lines = [*main_table(reports), "", *control_table(reports), ""]
    for r in reports:
        m = r["machine"]
        lines.append(f"- {PER_CLASS_LABELED} labeled examples per class, {r['per_class']} "
                     f"synthetic texts asked per class, median over {r['seeds']} seeds; Δ in "
                     f"macro-F1 points against *without* (median of the paired per-seed "
                     f"deltas). {r['seconds']:,.0f} s; {m['date']}, {m['cpu']}, {m['cores']} "
                     f"cores, commit {r.get('commit', '?')}; `{m['command']}`")
    return "\n".join(lines) + "\n"


def resummarised(report: dict[str, Any]) -> dict[str, Any]:
    """A stored report with its summaries computed again from its runs (older results
    lack the newer columns)."""
    for data in report["datasets"].values():
        data["generators"] = {g: summarise([r for r in data["runs"] if r["generator"] == g])
                              for g in data["generators"]}
    return report


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--generators", default=",".join(GENERATORS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--per-class", type=int, default=16,
                        help="synthetic texts asked for per class (2x the labeled examples)")
    parser.add_argument("--classes", type=int, default=None,
                        help="classes targeted, the champion's weakest first (default: all)")
    parser.add_argument("--eval-rows", type=int, default=2000)
    parser.add_argument("--max-rows", type=int, default=20_000)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "textloop-bench")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the projects under --work")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--tag", default="", help="results go to synth_value-TAG.json/.md")
    parser.add_argument("--merge", type=Path, nargs="+", metavar="JSON",
                        help="print one table from earlier results instead of running")
    return parser.parse_args()


def run(args: argparse.Namespace) -> None:
    stem = f"synth_value-{args.tag}" if args.tag else "synth_value"
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="synth-value-"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    report: dict[str, Any] = {"machine": machine_info(), "commit": commit, "model": MODEL,
                              "seeds": args.seeds, "per_class": args.per_class,
                              "classes": args.classes, "eval_rows": args.eval_rows,
                              "labeled_per_class": PER_CLASS_LABELED, "datasets": {}}
    try:
        for name in args.datasets.split(","):
            report["datasets"][name] = run_dataset(name, args, args.generators.split(","),
                                                   work)
            report["seconds"] = round(time.perf_counter() - started, 1)
            write_results(args.out, stem, report, markdown([report]))
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    args = arguments()
    if args.merge:
        print(markdown([resummarised(json.loads(path.read_text())) for path in args.merge]),
              end="")
    else:
        run(args)


if __name__ == "__main__":
    main()
