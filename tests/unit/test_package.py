"""``import textloop``: the curated public names, loaded only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import textloop
from tests.unit.cli.test_main import SRC, loaded_after

HEAVY = ("numpy", "sklearn", "scipy", "pandas", "pyarrow", "sqlalchemy", "pydantic", "yaml",
         "typer", "click", "rich", "fastapi", "onnxruntime")


def test_importing_textloop_loads_nothing_heavy() -> None:
    loaded = loaded_after("import textloop\nassert textloop.__version__")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_importing_textloop_loads_only_its_lazy_front() -> None:
    code = ("import textloop, sys, json\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('textloop.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(SRC)}, check=True, timeout=60)
    assert json.loads(done.stdout) == ["textloop.lazy"]


def test_every_public_name_resolves() -> None:
    assert {"init_project", "open_project", "Project", "Run", "Predictions", "ImportResult",
            "ReleaseInfo", "EvaluationResult", "TextloopError", "__version__"} <= set(
                textloop.__all__)
    for name in textloop.__all__:
        assert getattr(textloop, name) is not None, name
    assert textloop.Project is textloop.api.Project
    assert issubclass(textloop.InvalidInputError, textloop.TextloopError)
    assert set(textloop.api.__all__) <= set(textloop.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'train'"):
        textloop.train  # noqa: B018 - the access is the test
