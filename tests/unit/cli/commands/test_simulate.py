"""``textloop simulate-al`` as a user types it: the table, the files, the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.simulate.fakes import WordHashEmbedder, topic_rows
from textloop.cli.main import app

runner = CliRunner()


@pytest.fixture
def topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small labeled file; embeddings from a word-hash stand-in, cached under tmp_path."""
    monkeypatch.setenv("TEXTLOOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("textloop.stages.simulate.run.get_embedder",
                        lambda name: WordHashEmbedder())
    path = tmp_path / "topics.jsonl"
    rows = [{"body": r["text"], "topic": r["label"]} for r in topic_rows(40)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_simulate_al_prints_the_table_files_and_verdict(topics: Path, tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = runner.invoke(app, ["simulate-al", str(topics), "--strategy", "margin,entropy",
                                 "--seeds", "2", "--budget", "40", "--batch", "10",
                                 "--text-col", "body", "--label-col", "topic",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("random", "margin", "entropy", "to 95%", "learning_curves.png"):
        assert name in result.output
    assert "reached 95% of the full-data macro-F1" in result.output
    assert "flat from: random " in result.output  # each curve's plateau, on its own line
    assert sorted(p.name for p in out.iterdir()) == ["curves.json", "learning_curves.png",
                                                     "savings.json", "savings.md"]
    assert (tmp_path / "cache" / "embeddings" / "cache.db").exists()


def test_bad_arguments_are_clean_errors(topics: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["simulate-al", str(topics), "--strategy", "psychic",
                                  "--text-col", "body", "--label-col", "topic"])
    assert unknown.exit_code == 3 and "no query named 'psychic'" in unknown.output
    too_big = runner.invoke(app, ["simulate-al", str(topics), "--budget", "5000",
                                  "--text-col", "body", "--label-col", "topic",
                                  "--out", str(tmp_path / "x")])
    assert too_big.exit_code == 2 and "Hint:" in too_big.output
    assert "Traceback" not in too_big.output


def test_simulate_al_json_gives_the_savings_rows_and_files(topics: Path,
                                                           tmp_path: Path) -> None:
    done = json_of(runner.invoke(app, ["simulate-al", str(topics), "--strategy", "margin",
                                       "--seeds", "2", "--budget", "40", "--batch", "10",
                                       "--text-col", "body", "--label-col", "topic",
                                       "--out", str(tmp_path / "sim"), "--json"]))
    assert [row["strategy"] for row in done["rows"]] == ["random", "margin"]
    assert {reach["level"] for reach in done["rows"][1]["reaches"]} == {0.95, 0.98}
    assert done["budget"] == 40 and done["verdict"]
    assert done["savings_json"] == str(tmp_path / "sim" / "savings.json")


@pytest.mark.model
def test_simulate_al_on_a_conll_file_scores_entity_f1(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.stages.simulate.test_span_run import sentences, write_conll

    monkeypatch.setenv("TEXTLOOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("textloop.stages.simulate.span_run.get_embedder",
                        lambda name: WordHashEmbedder())
    path = write_conll(tmp_path / "people.txt", sentences(40), sep=" ")
    args = ["simulate-al", str(path), "--seeds", "1", "--out", str(tmp_path / "sim")]
    done = json_of(runner.invoke(app, [*args, "--schedule", "5,10", "--json"]))
    assert done["metric"] == "entity_micro_f1"
    assert [row["strategy"] for row in done["rows"]] == ["random", "span-default"]
    assert done["settings"]["sizes"] == [5, 10] and done["settings"]["data"]["format"] == "conll"
    bad = runner.invoke(app, [*args, "--schedule", "5,ten"])
    assert bad.exit_code == 2 and "not a list of label counts" in bad.output
