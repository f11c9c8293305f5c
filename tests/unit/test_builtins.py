"""The built-in declarations: each names code that exists, and listing them loads none of it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from textloop.config import alert_checks, drift_detectors
from textloop.registry import REGISTRY, Registry

SRC = Path(__file__).resolve().parents[2] / "src"
FAMILIES = ("drift", "query", "calibration", "cleaning", "label_model", "synth", "judge",
            "synth_gate", "perturb", "embedder", "model")


def built_ins() -> Registry:
    """A registry holding the built-ins only: other tests register their own strategies in
    the global one (a fixed synthetic generator, a test drift detector) and may leave them."""
    from textloop.builtins import declare_builtins

    declared = Registry()
    declare_builtins(declared)
    return declared


def test_every_built_in_resolves_to_the_object_it_declares() -> None:
    declared = built_ins()
    for family in FAMILIES:
        names = declared.names(family)
        assert set(names) <= set(REGISTRY.names(family)), family
        for short in names:
            full, obj = REGISTRY.resolve(family, short)
            assert full.startswith(f"textloop.{family}.{short}.v")
            assert callable(obj), full


def test_listing_every_family_and_validating_a_spec_load_no_numeric_library() -> None:
    """``textloop status`` and ``--help`` read these lists: they must stay light."""
    probe = ("import json, sys\n"
             "from textloop.registry import REGISTRY\n"
             "from textloop.config import ALERT_CHECKS, MonitoringSettings\n"
             f"names = {{f: REGISTRY.names(f) for f in {FAMILIES!r}}}\n"
             "assert MonitoringSettings(detectors=['mmd']).detectors == ['mmd']\n"
             "assert 'band_psi' in ALERT_CHECKS and names['calibration']\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    heavy = loaded & {"numpy", "scipy", "sklearn", "onnxruntime", "torch", "pandas"}
    assert not heavy, sorted(heavy)


def table_column(page: str, header: str, column: int = 0) -> set[str]:
    """The backticked names in ``column`` of the table whose header row starts ``header``."""
    lines = (Path(__file__).resolve().parents[2] / "docs" / page).read_text(
        encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    names: set[str] = set()
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cell = line.split("|")[column + 1]
        names.update(re.findall(r"`([^`]+)`", cell))
    return names


def test_the_docs_tables_list_exactly_the_registered_names() -> None:
    """A docs table cannot be generated with its prose, so it is checked against the
    registry instead: a name registered without a row (or a row left for a removed name)
    fails here."""
    detectors = drift_detectors()
    assert table_column("monitoring.md", "check") == {*alert_checks()} - {"status"}
    assert table_column("monitoring.md", "check", 1) == {
        REGISTRY.full_name("drift", short) for short in detectors}
    declared = built_ins()
    assert table_column("active-learning.md", "name") == set(declared.names("query"))
    assert table_column("synthetic.md", "generator") == set(declared.names("synth"))
