"""``data_sufficiency`` on a small real release: the answer, the JSON and the figures."""

from __future__ import annotations

import json

from tests.unit.stages.selection_fixtures import noisy_release
from textloop.stages.release import load_release
from textloop.stages.select.sufficiency import data_sufficiency


def test_writes_json_svg_and_png_that_agree_with_the_answer(project, store, tmp_path) -> None:
    release_id = noisy_release(store, project, tmp_path)
    result = data_sufficiency(store, project, folds=3)
    n_train = len(load_release(store).train)
    assert result.release_id == release_id and result.answer.current == n_train
    assert len(result.points) == 6
    assert result.json_path.parent == store.path_for("learning-curves", f"{release_id}-tfidf-lr")
    body = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert body["settings"]["folds"] == 3 and body["settings"]["split"] == "train"
    assert body["settings"]["goal"] == {"metric": "macro_f1", "target": 0.9}
    assert body["answer"]["sentence"] == result.answer.sentence
    assert [p["labels"] for p in body["points"]] == [p.labels for p in result.points]
    assert result.answer.sentence.startswith(f"tfidf-lr (3-fold CV on {release_id}) reaches ")
    assert "Goal macro_f1 ≥ 0.9: " in result.answer.sentence
    svg = result.svg_path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "training labels" in svg and "goal macro_f1" in svg
    assert result.png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
