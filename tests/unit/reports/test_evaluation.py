"""The evaluation report: files, self-containment, escaping of untrusted text, goal badge."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_data
from textloop.errors import InvalidInputError
from textloop.measures.metrics import compute_metrics
from textloop.reports.evaluation import context_rows, goal_status, write_evaluation_report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LABELS = ["ham", SCRIPT, IMG]
Y_TRUE = ["ham", SCRIPT, IMG, "ham", SCRIPT, IMG]
PROBA = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.6, 0.2, 0.2],
                  [0.3, 0.6, 0.1], [0.1, 0.1, 0.8], [0.1, 0.2, 0.7]])
TEXTS = [f"hello {SCRIPT}", "plain", f"{IMG} click", "x" * 1000, "fine", "ok"]
IDS = [f"r{i:015d}" for i in range(len(TEXTS))]
CONTEXT = {"run": f"run-{SCRIPT}", "model": "tfidf+logreg", "release": "rel-0001",
           "split": "test", "created": "2025-01-01 10:00:00", "textloop_version": "0.1.0",
           "goal": {"metric": "macro_f1", "target": 0.5}}


def write(folder: Path, *, context: dict | None = None, texts: list[str] | None = TEXTS,
          title: str = f"Evaluation {SCRIPT}", ids: list[str] | None = IDS
          ) -> tuple[Path, Path]:
    metrics = compute_metrics(Y_TRUE, PROBA, LABELS)
    return write_evaluation_report(folder, title=title, metrics=metrics, y_true=Y_TRUE,
                                   proba=PROBA, labels=LABELS, context=context or CONTEXT,
                                   texts=texts, record_ids=ids if texts is not None else None)


def test_writes_html_and_json_and_returns_their_paths(tmp_path):
    html, metrics_json = write(tmp_path / "out")
    assert html == tmp_path / "out" / "report.html" and html.is_file()
    assert metrics_json == tmp_path / "out" / "metrics.json"
    saved = json.loads(metrics_json.read_text(encoding="utf-8"))
    assert saved["context"] == CONTEXT
    assert saved["macro_f1"] == compute_metrics(Y_TRUE, PROBA, LABELS)["macro_f1"]
    assert not [p.name for p in (tmp_path / "out").iterdir() if ".tmp-" in p.name]


def test_html_is_self_contained(tmp_path):
    page = write(tmp_path)[0].read_text(encoding="utf-8")
    for remote in ('src="http', "src='http", 'href="http', "href='http", "url(http", "<link",
                   "@import", "<script src"):
        assert remote not in page
    assert page.count("<svg") >= 4  # F1, two confusion matrices, curves, confidence


def test_user_text_is_escaped_everywhere(tmp_path):
    page = write(tmp_path)[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page
    # labels are escaped inside the plots' SVG too
    svg = "".join(re.findall(r"<svg.*?</svg>", page, flags=re.S))
    assert "&lt;script&gt;" in svg and "<script>" not in svg


def test_the_only_script_is_the_inline_table_sorter(tmp_path):
    page = write(tmp_path)[0].read_text(encoding="utf-8")
    assert page.count("<script") == 1


def test_goal_badge_shows_pass_and_fail(tmp_path):
    passed = write(tmp_path / "pass")[0].read_text(encoding="utf-8")
    assert 'class="badge pass"' in passed and "Goal met" in passed
    strict = {**CONTEXT, "goal": {"metric": "macro_f1", "target": 0.99}}
    failed = write(tmp_path / "fail", context=strict)[0].read_text(encoding="utf-8")
    assert 'class="badge fail"' in failed and "Goal not met" in failed


def test_goal_status_compares_the_named_metric():
    metrics = {"macro_f1": 0.8, "roc_auc": None}
    assert goal_status(metrics, {"metric": "macro_f1", "target": 0.8})["state"] == "pass"
    assert goal_status(metrics, {"metric": "macro_f1", "target": 0.81})["state"] == "fail"
    assert goal_status(metrics, {"metric": "roc_auc", "target": 0.5})["state"] == "unknown"
    assert goal_status(metrics, None) is None


def test_context_rows_put_known_facts_first():
    rows = context_rows({"extra": {"a": 1}, "split": "test", "run": "r1", "goal": {},
                         "model": None})
    assert rows == [("Run", "r1"), ("Split", "test"), ("extra", '{"a": 1}')]


def test_most_confident_mistakes_are_listed_when_texts_are_given(tmp_path):
    page = write(tmp_path / "with")[0].read_text(encoding="utf-8")
    section = page[page.index('id="mistakes"'):]
    # row 2 (true IMG, predicted ham at 0.6) is the most confident of the three mistakes
    assert section.index("&lt;img src=x onerror=alert(1)&gt; click") < section.index("x" * 50)
    assert "x" * 301 not in page
    without = write(tmp_path / "without", texts=None)[0].read_text(encoding="utf-8")
    assert 'id="mistakes"' not in without


def test_mistakes_are_named_by_record_id_in_the_page_and_the_json(tmp_path):
    html, metrics_json = write(tmp_path / "ids")
    page = html.read_text(encoding="utf-8")
    section = page[page.index('id="mistakes"'):]
    # the mistakes are rows 4 (0.8 sure), 2 and 3 (0.6): the page names their records
    assert section.index(f"<code>{IDS[4]}</code>") < section.index(f"<code>{IDS[2]}</code>")
    assert '<th class="num">row</th>' not in page
    saved = json.loads(metrics_json.read_text(encoding="utf-8"))
    assert [m["record_id"] for m in saved["mistakes"]] == [IDS[4], IDS[2], IDS[3]]
    assert "row" not in saved["mistakes"][0]
    example = saved["confusion_examples"][0]["examples"][0]
    assert TEXTS[IDS.index(example["record_id"])].startswith(example["text"].rstrip(" …"))


def test_texts_that_do_not_line_up_are_refused(tmp_path):
    with pytest.raises(InvalidInputError, match="texts has 2 rows"):
        write(tmp_path, texts=["a", "b"])
    with pytest.raises(InvalidInputError, match="record_ids has 2 rows but texts has 6"):
        write(tmp_path, ids=IDS[:2])
    with pytest.raises(InvalidInputError, match="without record_ids"):
        write(tmp_path, ids=None)


def test_proba_that_does_not_match_labels_is_refused(tmp_path):
    metrics = compute_metrics(Y_TRUE, PROBA, LABELS)
    with pytest.raises(InvalidInputError, match="shape"):
        write_evaluation_report(tmp_path, title="t", metrics=metrics, y_true=Y_TRUE,
                                proba=PROBA[:, :2], labels=LABELS, context={})


def _banking_labels() -> list[str]:
    with gzip.open(shared_data("banking77.jsonl.gz"), "rt", encoding="utf-8") as handle:
        return sorted({json.loads(line)["label"] for line in handle})


@pytest.mark.integration
def test_a_77_class_report_renders_legibly(tmp_path):
    labels = _banking_labels()
    assert len(labels) == 77
    rng = np.random.default_rng(7)
    y_idx = np.repeat(np.arange(77), 8)
    logits = rng.normal(size=(len(y_idx), 77))
    logits[np.arange(len(y_idx)), y_idx] += 3.0
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_true = [labels[i] for i in y_idx]
    metrics = compute_metrics(y_true, proba, labels)
    html, _ = write_evaluation_report(
        tmp_path, title="banking77", metrics=metrics, y_true=y_true, proba=proba,
        labels=labels, context=CONTEXT, texts=[f"text {i}" for i in range(len(y_true))],
        record_ids=[f"{i:016x}" for i in range(len(y_true))])
    page = html.read_text(encoding="utf-8")
    assert "Most confused classes (counts)" in page
    assert "5 classes with the lowest area" in page
    assert all(label in page.replace("<wbr>", "") for label in labels)
