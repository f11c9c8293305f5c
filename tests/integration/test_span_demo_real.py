"""``textloop demo --task spans`` on 300 real WNUT-17 tweets, as a user would run it on their
own CoNLL file: the project it leaves holds the release, a minilm-crf run scored on test,
a champion, and a report that shows the tweets' quotes and ampersands escaped."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from tests.conftest import shared_data
from textloop.cli.main import app
from textloop.config import find_project
from textloop.storage import Store, model_versions, releases, runs

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("token_vectors_memo")]

SENTENCES = 300


def test_span_demo_on_a_wnut17_slice_leaves_a_served_champion(tmp_path) -> None:
    blocks = shared_data("spans", "wnut17", "train.conll").read_text(encoding="utf-8") \
        .split("\n\n")[:SENTENCES]
    data = tmp_path / "wnut300.conll"
    data.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    folder = tmp_path / "ner-demo"
    result = CliRunner().invoke(app, ["demo", "--task", "spans", "--data", str(data),
                                      "--dir", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == SENTENCES and summary["reading"]["scheme"] == "IOB2"
    assert set(summary["labels"]) == {"person", "location", "group", "corporation", "product",
                                      "creative-work"}

    with Store.for_project(find_project(folder)) as store, store.read() as conn:
        (release,) = releases.list_all(conn)
        counts = releases.split_counts(conn, release["id"])
        run = runs.get(conn, "minilm-crf-1")
        champion = model_versions.get_version(conn, "champion")
    assert counts == summary["split_sizes"]
    assert sum(counts.values()) == summary["records_new"] > 250  # a few tweets repeat
    assert min(counts.values()) > 0
    assert run["status"] == "finished" and run["params"]["n_train"] == counts["train"]
    assert 0.0 < run["metrics"]["test/entity_micro_f1"] < 1.0
    assert run["metrics"]["test/entity_micro_f1"] == pytest.approx(
        summary["test"]["entity_micro_f1"])
    assert champion["run_name"] == "minilm-crf-1" and summary["promoted"]

    report = folder / ".textloop" / "runs" / "minilm-crf-1" / "evaluation-test" / "report.html"
    assert report.is_file() and str(report) == summary["report"]
    html = report.read_text(encoding="utf-8")
    metrics = json.loads((report.parent / "metrics.json").read_text(encoding="utf-8"))
    shown = [example for kind in metrics["errors"]["examples"].values() for example in kind]
    tails = []  # each example's text after its span, where no highlight markup can fall
    for example in shown:
        span = example["gold"] or example["predicted"]
        tail = example["context"][span["end"] - example["context_start"]:]
        if any(c in tail for c in "'\"&<>"):
            tails.append(tail)
    assert tails, "the slice's test mistakes hold a tweet with a quote or an ampersand"
    for tail in tails:
        assert str(escape(tail)) in html and tail not in html
