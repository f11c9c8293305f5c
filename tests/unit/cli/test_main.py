"""What the ``textloop`` command loads when it starts: nothing heavy until a command needs
it. Every command used to import scikit-learn, SciPy, ONNX and pandas on start (1.6–4 s
before anything ran); ``--help`` and ``status`` must not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.stages.pipeline_fixtures import released
from textloop.stages.train.training import train

SRC = Path(__file__).resolve().parents[3] / "src"
NUMERIC = ("sklearn", "scipy", "onnxruntime", "onnx", "matplotlib", "pandas", "torch",
           "pyarrow", "numpy", "tokenizers", "transformers", "cleanlab", "datasketch")
SERVERS = ("fastapi", "uvicorn", "starlette", "jinja2", "httpx")
STORE = ("sqlalchemy", "pydantic", "yaml")


def loaded_after(code: str, cwd: Path | None = None) -> set[str]:
    """Top-level packages in ``sys.modules`` after ``code`` runs in a fresh interpreter."""
    probe = (f"import sys, json\n{code}\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("TEXTLOOP_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=cwd, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def run_cli(*args: str) -> str:
    """Code running ``textloop ARGS`` in process, as the console script does."""
    return ("from textloop.cli.main import main\n"
            f"sys.argv = ['textloop', *{list(args)!r}]\n"
            "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n")


def test_importing_the_cli_loads_no_numeric_server_or_store_library() -> None:
    loaded = loaded_after("import textloop.cli.main")
    assert "typer" in loaded and "textloop" in loaded
    assert not loaded & {*NUMERIC, *SERVERS, *STORE}, sorted(loaded & {*NUMERIC, *SERVERS,
                                                                       *STORE})


def test_help_loads_no_numeric_server_or_store_library() -> None:
    loaded = loaded_after(run_cli("--help"))
    assert not loaded & {*NUMERIC, *SERVERS, *STORE}, sorted(loaded & {*NUMERIC, *SERVERS,
                                                                       *STORE})


def test_status_reads_the_store_without_loading_models(project, store, tmp_path) -> None:
    """status on a project with a trained model: the store and config, no model code, not
    even NumPy (the embedding cache and the label model load it when they run)."""
    released(store, project, tmp_path)
    train(store, project, model="tfidf-lr")
    loaded = loaded_after(run_cli("--project", str(project.root), "status"))
    assert "sqlalchemy" in loaded
    heavy = loaded & {*NUMERIC, *SERVERS}
    assert not heavy, sorted(heavy)
