"""What the ``textloop`` command loads when it starts: nothing heavy until a command needs
it. Every command used to import scikit-learn, SciPy, ONNX and pandas on start (1.6–4 s
before anything ran); ``--help`` and ``status`` must not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer._click.core import Context
from typer.core import TyperGroup

from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app
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


# Commands that print no result a script could read: they start a long-running server and
# print its address until Ctrl+C. Every other command takes --json.
PRINTS_NO_RESULT = {
    "label",  # the labeling web app
    "serve",  # the inference server
}


def _commands(command: Any, ctx: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every command a user can run, by its full name (``keys create``), groups included
    when they do something themselves (``textloop synth`` makes a batch)."""
    if isinstance(command, TyperGroup):
        if path and command.invoke_without_command:
            yield " ".join(path), command
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _commands(sub, Context(sub, parent=ctx, info_name=name), (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_that_prints_a_result_takes_json() -> None:
    root = typer.main.get_command(app)
    names = dict(_commands(root, Context(root, info_name="textloop")))
    assert {"import", "keys create", "models download", "export mlflow"} <= set(names)
    missing = sorted(name for name, command in names.items()
                     if name not in PRINTS_NO_RESULT
                     and not any("--json" in param.opts for param in command.params))
    assert not missing, f"commands without --json: {', '.join(missing)}"
    assert set(names) >= PRINTS_NO_RESULT, "the allow-list names a command that is gone"
