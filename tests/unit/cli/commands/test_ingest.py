"""``textloop import`` through the CLI runner, as a user types it."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.stages.ingest.support import counts, texts
from textloop.cli.commands.ingest import parse_label_map
from textloop.cli.main import app
from textloop.config import load_spec

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "import", *args])


def test_import_then_reimport_reports_zero_new(project, store, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text,label\nwin cash,spam\nhello mum,ham\nhello mum,ham\n")
    first = invoke(project, str(path))
    assert first.exit_code == 0, first.output
    assert "3 rows read, 2 new records, 2 new labels" in first.output
    assert "1 rows repeat a text" in first.output
    again = invoke(project, str(path))
    assert again.exit_code == 0, again.output
    assert "0 new records, 0 new labels" in again.output
    assert "this exact file was imported before (import #1)" in again.output


def test_bad_row_prints_error_and_hint_and_exits_2(project, store, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nok,ham\n,spam\n")
    result = invoke(project, str(path))
    assert result.exit_code == 2
    assert "Error:" in result.output and "line 3, column 'text': is empty" in result.output
    assert "Hint:" in result.output and "--skip-invalid" in result.output
    assert "Traceback" not in result.output
    assert counts(store) == (0, 0, 0)


def test_options_reach_the_importer(project, store, tmp_path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text("first text\t1\tweb\nsecond text\t0\tapp\n")
    result = invoke(project, str(path), "--no-header", "--text-col", "1", "--label-col", "2",
                    "--meta-cols", "3", "--label-map", "1=spam, 0=ham")
    assert result.exit_code == 0, result.output
    assert texts(store) == {"first text", "second text"}
    assert "labels in file: spam: 1, ham: 1" in result.output


def test_skip_invalid_and_add_labels(project, store, tmp_path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("text,label\nok,promo\n,ham\n")
    result = invoke(project, str(path), "--skip-invalid", "--add-labels")
    assert result.exit_code == 0, result.output
    assert "1 rows skipped" in result.output and "import-1-skipped.csv" in result.output
    assert "added labels to textloop.yaml: promo" in result.output
    assert load_spec(project.spec_path).label_names == ["spam", "ham", "promo"]


def test_missing_file_is_not_found(project, store, tmp_path) -> None:
    result = invoke(project, str(tmp_path / "nope.csv"))
    assert result.exit_code == 3 and "no such file" in result.output


def test_bad_label_map_is_explained(project, store, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text\nx\n")
    result = invoke(project, str(path), "--label-map", "0:neg")
    assert result.exit_code == 2 and "'0:neg' is not of the form old=new" in result.output


def test_label_map_parsing() -> None:
    assert parse_label_map(" 0=hate, 1 = offensive ,,2=neither") == {
        "0": "hate", "1": "offensive", "2": "neither"}


def test_help_shows_examples() -> None:
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0 and "--no-header" in result.output
    assert "textloop import" in result.output


def test_busy_store_is_a_clean_error(project, store, tmp_path, monkeypatch) -> None:
    path = tmp_path / "a.csv"
    path.write_text("text\nhello\n")
    monkeypatch.setenv("TEXTLOOP_BUSY_TIMEOUT", "0.1")
    with store.write():
        result = invoke(project, str(path))
    assert result.exit_code == 7
    assert "Error: store is busy" in result.output and "TEXTLOOP_BUSY_TIMEOUT" in result.output
    assert "Traceback" not in result.output
    assert counts(store) == (0, 0, 0)


def test_unescape_html_reaches_the_importer(project, store, tmp_path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text('text,label\n"Great.<br />Fish &amp; chips",ham\n')
    result = invoke(project, str(path), "--unescape-html")
    assert result.exit_code == 0, result.output
    assert texts(store) == {"Great.\nFish & chips"}
