"""``publish_model``: an embed-lr version published as files that run without textloop;
its ``predict.py``, run in a fresh interpreter that cannot import textloop, gives the
probabilities ``textloop predict`` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.publish.hub_server import download
from textloop.artifacts import sha256_file
from textloop.errors import ConflictError
from textloop.stages.predict.prediction import predict
from textloop.stages.publish import parse_target, publish_model
from textloop.stages.train.training import train
from textloop.stages.versions.register import register_run

TEXTS = ["win a free prize now, reply to claim cash", "see you at lunch later, mum",
         "urgent offer: txt now to win", "movie at home tonight?"]
# predict.py must not need textloop: the subprocess fails any attempt to import it
NO_TEXTLOOP = ("import sys, runpy; sys.modules['textloop'] = None; "
               "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


def registered(store, project, tmp_path: Path, model: str) -> str:
    released(store, project, tmp_path)
    run = train(store, project, model=model).run_name
    return f"m{register_run(store, project, run, actor='ana').version['version']}"


@pytest.mark.model
def test_the_published_snippet_predicts_what_textloop_predicts(store, licensed, tmp_path,
                                                               hub) -> None:
    version = registered(store, licensed, tmp_path, "embed-lr")
    out = tmp_path / "published"
    planned = publish_model(store, licensed, version, parse_target(str(out),
                                                                   repo_type="model"),
                            dry_run=True)
    assert not out.exists()
    assert [f.path for f in planned.files] == [
        "README.md", "config.json", "model.onnx", "predict.py", "tokenizer.json"]
    done = publish_model(store, licensed, version, parse_target(str(out), repo_type="model"))
    assert sorted(p.name for p in out.iterdir()) == [f.path for f in done.files]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "license: CC-BY-4.0" in card and "## Loading without textloop" in card
    assert "Trained on release v1" in card and "macro" in card.casefold()
    ran = subprocess.run([sys.executable, "-I", "-c", NO_TEXTLOOP, str(out / "predict.py"),
                          str(out), *TEXTS], capture_output=True, text=True, cwd=tmp_path,
                         timeout=300, check=False)
    assert ran.returncode == 0, ran.stderr
    portable = [json.loads(line) for line in ran.stdout.splitlines()]
    expected = predict(store, version, TEXTS)
    assert len(portable) == len(expected) == len(TEXTS)
    for mine, theirs in zip(portable, expected, strict=True):
        assert mine["label"] == theirs.label and mine["band"] == theirs.band
        assert mine["probabilities"] == pytest.approx(theirs.probabilities, abs=1e-5)
    # the same files go to a (private) model repository on the Hub, tagged with the version
    sent = publish_model(store, licensed, version, parse_target(
        "hf://acme/spam-filter", repo_type="model", endpoint=hub.url))
    repo = hub.repos["acme/spam-filter"]
    assert repo.kind == "model" and repo.private and list(repo.tags) == [version]
    folder = download(hub, "acme/spam-filter", version, [f.path for f in sent.files],
                      tmp_path / "cache", repo_type="model")
    assert {f.path: f.sha256 for f in sent.files} == {
        f.path: sha256_file(folder / f.path) for f in sent.files}
    assert {f.path: f.sha256 for f in sent.files} == {f.path: f.sha256 for f in done.files}


def test_a_model_without_an_onnx_encoder_is_refused_with_the_reason(store, licensed,
                                                                    tmp_path) -> None:
    version = registered(store, licensed, tmp_path, "tfidf-lr")
    with pytest.raises(ConflictError, match="not a linear head over sentence vectors"):
        publish_model(store, licensed, version, parse_target(str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


def test_a_model_without_a_license_is_refused(store, project, tmp_path) -> None:
    version = registered(store, project, tmp_path, "tfidf-lr")
    with pytest.raises(ConflictError, match="no license is set"):
        publish_model(store, project, version, parse_target(str(tmp_path / "out")))
