"""A whole simulation on small data: files written, fair comparison, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.unit.stages.simulate.fakes import DictCache, WordHashEmbedder, topic_rows
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.simulate import Plan, simulate_al, simulate_vectors
from textloop.stages.simulate.loop import first_batch
from textloop.stages.simulate.splits import split_rows
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.query.random_sampling import RandomSampling


def blob_data(n_per_class: int = 150, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Three overlapping classes in 16 dimensions (hard enough for curves to rise)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 16))
    y = np.repeat([0, 1, 2], n_per_class)
    X = centres[y] + rng.normal(0.0, 1.2, size=(y.shape[0], 16))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), [f"class-{c}" for c in y]


def test_simulation_writes_curves_figure_and_savings(tmp_path: Path) -> None:
    X, labels = blob_data()
    plan = Plan.make(["margin", "cluster-margin"], seeds=2, budget=120, batch=20, initial=30)
    result = simulate_vectors(X, labels, None, plan, out_dir=tmp_path / "out")
    assert [row.strategy for row in result.rows] == ["random", "margin", "cluster-margin"]
    curves = json.loads(result.curves_json.read_text(encoding="utf-8"))
    runs = curves["curves"]["margin"]
    assert [p["labels"] for p in runs[0]["points"]] == [30, 50, 70, 90, 110, 120]
    assert {r["seed"] for r in runs} == {0, 1}
    assert curves["settings"]["test"] == 90 and curves["settings"]["pool"] == 360
    assert set(curves["reference"]) == {"0", "1"}
    # the strategies that need a model start from the seed's cold-start batch
    first = {name: [r["points"][0]["macro_f1"] for r in rs]
             for name, rs in curves["curves"].items()}
    assert first["margin"] == first["cluster-margin"]
    assert result.figure_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    savings = json.loads(result.savings_json.read_text(encoding="utf-8"))
    assert savings["verdict"] == result.verdict and len(savings["rows"]) == 3
    table = result.savings_table.read_text(encoding="utf-8")
    assert "| margin |" in table and "labels to 95%" in table and result.verdict in table


def test_the_outputs_report_each_curves_plateau(tmp_path: Path) -> None:
    """savings.json, savings.md and the figure say from which label count each curve stayed
    within 2% of the full-data score, and whether that was early."""
    from matplotlib.figure import Figure

    from textloop.stages.simulate.figure import draw_curves
    from textloop.stages.simulate.loop import Curve, Point

    X, labels = blob_data()
    plan = Plan.make(["margin"], seeds=1, budget=200, batch=20, initial=20)
    result = simulate_vectors(X, labels, None, plan, out_dir=tmp_path / "out")
    savings = json.loads(result.savings_json.read_text(encoding="utf-8"))
    assert savings["plateau"] == {"tolerance": 0.02, "early_share": 0.25}
    curves = json.loads(result.curves_json.read_text(encoding="utf-8"))
    reference = curves["reference"]["0"]["macro_f1"]
    for row in savings["rows"]:
        scores = [(p["labels"], p["macro_f1"]) for p in curves["curves"][row["strategy"]][0]
                  ["points"]]
        on = [n for n, f in scores if all(g >= 0.98 * reference for m, g in scores if m >= n)]
        assert row["plateau_at"] == (on[0] if on else None)
        assert row["plateau_early"] == (row["plateau_at"] is not None
                                        and row["plateau_at"] <= 50)
    table = result.savings_table.read_text(encoding="utf-8").splitlines()
    assert table[0].endswith("| stop at | flat from |")
    assert "flat from: labels from which the curve stays within 2%" in "\n".join(table)
    ax = Figure().subplots()
    flat = {"random": [Curve("random", 0, [Point(n, 0.9, 0.9) for n in (20, 40, 60)])],
            "margin": [Curve("margin", 0, [Point(n, 0.8, 0.8) for n in (20, 40, 60)])]}
    draw_curves(ax, flat, 0.92, {"random": 40, "margin": None})
    names = [line.get_label() for line in ax.get_lines()]
    assert "random flat from 40" in names and not any("margin flat" in n for n in names)


def test_random_starts_at_random_and_the_default_with_cold_start(tmp_path: Path) -> None:
    """The baseline is labeling without active learning: its first batch is random too."""
    X, labels = blob_data(60)
    plan = Plan.make(["default", "cold-start", "margin"], seeds=1, budget=30, batch=15,
                     initial=15)
    X_pool = X[split_rows(np.unique(labels, return_inverse=True)[1], None, 0).pool]
    cold = first_batch(ColdStart(), X_pool, 0, 15)
    drawn = first_batch(RandomSampling(), X_pool, 0, 15)
    assert not np.array_equal(np.sort(cold), np.sort(drawn))
    result = simulate_vectors(X, labels, None, plan, out_dir=tmp_path / "out")
    curves = json.loads(result.curves_json.read_text(encoding="utf-8"))["curves"]
    first = {name: runs[0]["points"][0]["macro_f1"] for name, runs in curves.items()}
    assert first["default"] == first["cold-start"] == first["margin"]


def test_the_same_seed_gives_the_same_curves(tmp_path: Path) -> None:
    X, labels = blob_data(60)
    plan = Plan.make(["qbc"], seeds=1, budget=60, batch=10, initial=10)
    one = simulate_vectors(X, labels, None, plan, out_dir=tmp_path / "a")
    two = simulate_vectors(X, labels, None, plan, out_dir=tmp_path / "b")
    curves = [json.loads(r.curves_json.read_text())["curves"]["qbc"][0] for r in (one, two)]
    assert curves[0]["points"] == curves[1]["points"]
    assert curves[0]["stop_at"] == curves[1]["stop_at"]


def test_simulate_al_reads_a_file_and_caches_its_embeddings(tmp_path: Path) -> None:
    path = tmp_path / "topics.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in topic_rows(40)), encoding="utf-8")
    embedder, cache = WordHashEmbedder(), DictCache()
    kwargs = {"strategies": ["default"], "seeds": 1, "budget": 40, "batch": 10,
              "embedder": embedder, "cache": cache}
    result = simulate_al(path, out_dir=tmp_path / "sim", **kwargs)
    assert embedder.embedded == 120
    assert result.reference_macro_f1 > 0.9
    assert result.settings["data"]["rows_used"] == 120
    assert result.settings["strategies"]["default"] == "textloop.query.default.v3"
    simulate_al(path, out_dir=tmp_path / "again", **kwargs)
    assert embedder.embedded == 120  # nothing embedded twice


def test_settings_and_data_problems_are_clear_errors(tmp_path: Path) -> None:
    X, labels = blob_data(20)
    with pytest.raises(InvalidInputError, match="below the first batch"):
        Plan.make(["margin"], seeds=1, budget=10, batch=20, initial=None)
    with pytest.raises(InvalidInputError, match="--seeds must be at least 1"):
        Plan.make(["margin"], seeds=0, budget=100, batch=20, initial=None)
    with pytest.raises(NotFoundError, match="did you mean 'margin'"):
        Plan.make(["marginn"], seeds=1, budget=100, batch=20, initial=None)
    with pytest.raises(InvalidInputError, match="no strategy given"):
        Plan.make([" ", ""], seeds=1, budget=100, batch=20, initial=None)
    plan = Plan.make(["margin"], seeds=1, budget=500, batch=20, initial=None)
    with pytest.raises(InvalidInputError, match="labeled rows outside the test set"):
        simulate_vectors(X, labels, None, plan, out_dir=tmp_path)
    small = Plan.make(["random"], seeds=1, budget=20, batch=10, initial=None)
    with pytest.raises(InvalidInputError, match="at least 2"):
        simulate_vectors(X, ["same"] * len(labels), None, small, out_dir=tmp_path)
