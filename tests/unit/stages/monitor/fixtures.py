"""A served clinc150 model with windows of logged traffic, for monitoring tests.

Ten in-scope intents are imported, released and trained on (tfidf-lr, registered as
version 1); predictions are logged as the server logs them (``log_row``), from held-out
rows of the same intents (unshifted) or with out-of-scope rows mixed in (shifted).
"""

from __future__ import annotations

import csv
import gzip
import json
import random
from pathlib import Path

from tests.conftest import shared_data
from textloop.config import Label, MonitoringSettings, Project, Slice
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.predict.prediction import predictions_from
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.stages.runs.loading import load_run
from textloop.stages.serving.prediction_log import log_row
from textloop.stages.train.training import train
from textloop.stages.versions.register import register_run
from textloop.storage import Store, predictions

INTENTS = 10
SCRIPT = "<script>alert('zzkq')</script> qqxv wwpt"
SETTINGS = MonitoringSettings(window=150, null_windows=19, permutations=99, min_rows=30,
                              max_reference=400, alert_rows=5, neighbours=2)


def clinc_rows() -> list[dict]:
    with gzip.open(shared_data("clinc150.jsonl.gz"), "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def served_project(folder: Path) -> tuple[Project, dict[str, list[str]]]:
    """The project (trained, registered) and the held-out texts: ``in_scope``, ``oos``."""
    rows = clinc_rows()
    intents = sorted({r["label"] for r in rows if not r["out_of_scope"]})[:INTENTS]
    project = init_project(folder / "proj", labels=[Label(name=i) for i in intents])
    project.spec.monitoring = SETTINGS
    project.spec.slices = [Slice(name="length", length=[0, 40])]
    project.save()
    data = folder / "train.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([r["text"], r["label"]] for r in rows
                         if r["label"] in intents and r["split"] == "train")
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions())
        create_release(store, project)
        run = train(store, project, model="tfidf-lr").run_name
        register_run(store, project, run, actor="ana")
    held_out = {"in_scope": [r["text"] for r in rows
                             if r["label"] in intents and r["split"] != "train"],
                "oos": [r["text"] for r in rows if r["out_of_scope"] and r["split"] == "test"]}
    return project, held_out


def log_traffic(store: Store, texts: list[str], *, start: float, tag: str,
                feedback: dict[int, str] | None = None) -> None:
    """Predict ``texts`` with version 1 and write them to the prediction log, one second
    apart from ``start``; ``feedback`` maps a position to a true label."""
    loaded = load_run(store, "1")
    rows = []
    for i, prediction in enumerate(predictions_from(loaded, texts)):
        row = log_row(prediction, request_id=f"{tag}{i}", idx=0, version=1, api_key=None,
                      latency_ms=1.0, log_texts="full")
        rows.append({**row, "created_at": start + i})
    with store.write() as conn:
        predictions.insert_many(conn, rows)
        for i, label in (feedback or {}).items():
            predictions.add_feedback(conn, request_id=f"{tag}{i}", idx=0, label=label,
                                     api_key=None, record_id=None, annotation_id=None)


def windows(held_out: dict[str, list[str]], seed: int = 0) -> tuple[list[str], list[str]]:
    """(unshifted 150 in-scope rows, shifted: a script tag made of unknown words first, then
    90 in-scope and 59 out-of-scope rows)."""
    rng = random.Random(seed)
    in_scope = rng.sample(held_out["in_scope"], 240)
    shifted = in_scope[150:] + rng.sample(held_out["oos"], 59)
    rng.shuffle(shifted)
    return in_scope[:150], [SCRIPT, *shifted]
