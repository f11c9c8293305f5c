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
