"""The shared ``--json`` printer: one document a script can parse, whatever the result holds."""

from __future__ import annotations

import json
from pathlib import Path

from textloop.cli.console import print_json


def test_print_json_writes_one_document_keeping_text_and_naming_paths(capsys) -> None:
    print_json({"label": "réclamation 🚀", "path": Path("/tmp/v1"), "scores": [0.5, None]})
    out, err = capsys.readouterr()
    assert err == "" and out.endswith("}\n")
    assert "réclamation 🚀" in out  # not \u-escaped: a terminal and jq show the same text
    assert json.loads(out) == {"label": "réclamation 🚀", "path": "/tmp/v1",
                               "scores": [0.5, None]}


def test_print_json_keeps_numpy_numbers_numbers_and_writes_no_nan(capsys) -> None:
    """A metric straight from scikit-learn is a NumPy scalar: it must print as a number a
    script can compare, not as the string "0.5"; NaN is not JSON, so it prints as null."""
    import numpy as np

    print_json({"f1": np.float32(0.5), "n": np.int64(3), "ok": np.bool_(True),
                "per_class": np.array([0.25, 0.75]), "auc": float("nan")})
    out, _ = capsys.readouterr()
    assert "NaN" not in out
    assert json.loads(out) == {"f1": 0.5, "n": 3, "ok": True, "per_class": [0.25, 0.75],
                               "auc": None}
