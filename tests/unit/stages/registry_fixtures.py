"""Registered model versions on the small released project, for registry and promotion tests."""

from __future__ import annotations

import json
from pathlib import Path

from textloop.config import Project
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.train.training import train
from textloop.stages.versions.register import register_run
from textloop.storage import Store

NO_LATENCY = {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}


def no_timing(store: Store, run: str, texts: list[str]) -> dict[str, float]:
    """A latency meter that times nothing: policy tests must not depend on the machine."""
    return dict(NO_LATENCY, n=len(texts))


def registered(store: Store, project: Project, *, c: float = 4.0,
               slices: dict[str, dict[str, float]] | None = None) -> int:
    """Train and register a tfidf-lr run; ``slices`` are written into its test metrics first,
    as an evaluation that measures slices would."""
    run = train(store, project, params={"C": c}).run_name
    if slices is not None:
        path = evaluate_run(store, project, run).metrics_json
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        path.write_text(json.dumps({**saved, "slices": slices}), encoding="utf-8")
    return int(register_run(store, project, run, actor="ana").version["version"])
