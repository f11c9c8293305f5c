"""docs/api.md runs: its ```python blocks, in order, in one namespace, in an empty folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_has_the_walkthrough_blocks() -> None:
    code = "\n".join(blocks())
    for call in ("textloop.init_project(", "textloop.open_project(", "p.import_file(",
                 "p.release(", "p.train(", "p.evaluate(", "p.predict(", "to_dict()"):
        assert call in code, call


def test_the_walkthrough_runs_and_its_results_hold(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTLOOP_PROJECT", raising=False)
    namespace: dict[str, object] = {"__name__": "walkthrough"}
    for number, code in enumerate(blocks(), 1):
        exec(compile(code, f"{DOC.name} block {number}", "exec"), namespace)
    ns = namespace
    assert ns["imported"].records_new == 240 and ns["rel"].rows == 240
    run, ev, preds = ns["run"], ns["ev"], ns["preds"]
    assert run.name == "tfidf-lr-1" and "val/macro_f1" in run.metrics and "C" in run.params
    assert 0.0 <= ev.metrics["macro_f1"] <= 1.0 and ev.report_path.is_file()
    assert set(preds.labels) <= {"spam", "ham"} and len(preds) == 2
    assert preds[0].label == "spam"
    assert ns["decision"].promoted and ns["p"]._store is None
    out = capsys.readouterr().out
    assert "no run 'tfidf-lr-99'" in out and "textloop runs" in out
    assert (tmp_path / "spam-filter" / "textloop.yaml").is_file()
    assert ns["spans_in"].new_labels == ["LOC"] and ns["spans_in"].span_reading["scheme"] == "IOB2"
    assert sum(ns["done"].records.values()) == 40 and ns["done"].spans == 80
