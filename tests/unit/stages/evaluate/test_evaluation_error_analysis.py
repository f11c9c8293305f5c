"""``evaluate`` with slices, fairness and robustness probes on a small real release
(YouTube comments with the video each was posted under)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import shared_data
from textloop.config import Fairness, Project, Slice
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release
from textloop.stages.train.training import train
from textloop.storage import Store

SCRIPT = "<script>alert(1)</script>"
SLICES = [Slice(name="video", field="video", min_rows=5),
          Slice(name="length", length=[0, 40, 120]),
          Slice(name="link", keywords=["http", "www"]),
          Slice(name="origin", source="kind")]


def youtube_release(store: Store, project: Project, tmp_path: Path) -> None:
    """Every third comment, each ending in markup that the report must escape; one video is
    renamed to markup too, so it shows up in slice and group names."""
    path = tmp_path / "youtube.jsonl"
    with gzip.open(shared_data("youtube_spam.jsonl.gz"), "rt", encoding="utf-8") as src:
        rows = [json.loads(line) for line in src][::3]
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            video = SCRIPT if row["video"].startswith("Katy Perry") else row["video"]
            out.write(json.dumps({"text": f"{row['text']} {SCRIPT}", "label": row["label"],
                                  "video": video}) + "\n")
    import_file(store, project, path, ImportOptions(meta_cols=["video"]))
    create_release(store, project)


@pytest.fixture
def evaluated(project, store, tmp_path):
    youtube_release(store, project, tmp_path)
    project.spec.slices = SLICES
    project.spec.fairness = [Fairness(field="video", positive_label="spam")]
    result = evaluate_run(store, project, train(store, project).run_name)
    return result, json.loads(result.metrics_json.read_text(encoding="utf-8"))


def test_metrics_json_carries_slices_fairness_and_robustness(evaluated) -> None:
    result, saved = evaluated
    slices = saved["slices"]
    videos = {key: s for key, s in slices.items() if key.startswith("video=")}
    assert len(videos) == 5 and f"video={SCRIPT}" in videos
    assert sum(s["n"] for s in videos.values()) == saved["n"]
    assert sum(slices[f"length={b}"]["n"] for b in ("<40", "40–120", "≥120")) == saved["n"]
    assert slices["link=yes"]["n"] + slices["link=no"]["n"] == saved["n"]
    assert slices["origin=file"]["n"] == saved["n"]
    assert slices["origin=file"]["macro_f1"] == pytest.approx(saved["macro_f1"])
    assert all(s["too_small"] == (s["n"] < s["min_rows"]) for s in slices.values())
    fairness = saved["fairness"]["video"]
    assert [g["group"] for g in fairness["groups"]] == [k.removeprefix("video=") for k in videos]
    rates = [g["selection_rate"]["spam"] for g in fairness["groups"]]
    assert fairness["demographic_parity_difference"] == pytest.approx(max(rates) - min(rates))
    assert 0.0 <= fairness["equalized_odds_difference"] <= 1.0
    robustness = saved["robustness"]
    assert robustness["rows"] == saved["n"] and len(robustness["probes"]) == 5
    assert robustness["clean"]["accuracy"] == pytest.approx(saved["accuracy"])
    assert result.metrics["slices"] == slices


def test_report_shows_the_new_sections_with_user_text_escaped(evaluated) -> None:
    html = evaluated[0].report_html.read_text(encoding="utf-8")
    for section in ('id="slices"', 'id="fairness-1"', 'id="robustness"',
                    "Examples of the most frequent mistakes", "demographic-parity difference"):
        assert section in html
    assert "video=&lt;script&gt;alert(1)&lt;/<wbr>script&gt;" in html  # wraps after /
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html  # an example text's end
    assert "<script>alert(1)" not in html
    assert "textloop.perturb.typos.v2" in html
