"""``textloop import`` through the CLI runner, as a user types it."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
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


# real comments of the Korean hate-speech corpus's style (news comments)
_KOREAN = ["(현재 호텔주인 심정) 난 마른하늘에 날벼락맞고 호텔망하게생겼는데",
           "한국적인 미인의 대표적인 분...너무나 곱고아름다운모습",
           "메리다 목소리가 넘 거슬리네요~ 더빙을 성우분이 하셨다면 느낌이 달랐을 것 같아요",
           "짐작대로 그만큼. 흠흠. 그래도 OST는 좋았다"]


def test_importing_korean_text_records_language_ko_in_the_spec(project, store,
                                                                tmp_path) -> None:
    path = tmp_path / "korean.csv"
    labels = ["spam", "ham", "ham", "spam"]
    rows = "".join(f"{t},{lab}\n" for t, lab in zip(_KOREAN, labels, strict=True))
    path.write_text("text,label\n" + rows, encoding="utf-8")
    hand_written = ("name: comments  # our moderation project\ntext_field: text\n"
                    "labels:\n  - name: spam  # ads\n  - name: ham\n")
    project.spec_path.write_text(hand_written, encoding="utf-8")
    assert load_spec(project.spec_path).language is None
    result = invoke(project, str(path))
    assert result.exit_code == 0, result.output
    assert "language: ko" in result.output
    # one line added after text_field; the user's comments and layout are kept
    assert project.spec_path.read_text(encoding="utf-8") == hand_written.replace(
        "text_field: text\n", "text_field: text\nlanguage: ko\n")
    assert load_spec(project.spec_path).language == "ko"


def test_a_language_already_in_the_spec_is_not_replaced_by_detection(tmp_path,
                                                                     monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    made = runner.invoke(app, ["init", "reviews", "--labels", "pos,neg", "--language", "ja"])
    assert made.exit_code == 0, made.output
    path = tmp_path / "korean.csv"
    path.write_text("text\n" + "".join(f"{t}\n" for t in _KOREAN), encoding="utf-8")
    result = runner.invoke(app, ["--project", "reviews", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "language:" not in result.output
    assert load_spec(tmp_path / "reviews" / "textloop.yaml").language == "ja"


def test_init_refuses_a_language_that_is_not_a_tag(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "reviews", "--language", "Korean language"])
    assert result.exit_code == 2, result.output
    assert "key `language`: not a BCP 47 language tag" in result.output
    assert "ko, ja, en" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "reviews" / "textloop.yaml").exists()


def test_import_json_gives_the_counts_and_labels(project, store, tmp_path) -> None:
    data = tmp_path / "sms.csv"
    data.write_text("text,label\nwin cash now,spam\nlunch at noon?,ham\nwin cash now,spam\n"
                    "see you,\n")
    done = json_of(invoke(project, str(data), "--text-col", "text", "--label-col", "label",
                          "--json"))
    assert done["rows_read"] == 4 and done["records_new"] == 3
    assert done["labels"] == {"spam": 2, "ham": 1} and done["rows_unlabeled"] == 1
    assert done["repeated_texts"] == 1 and done["source"].endswith("sms.csv")
    assert isinstance(done["seconds"], float) and done["report_path"] is None


def test_a_conll_file_into_a_span_project_reports_its_scheme(tmp_path) -> None:
    from textloop.config import Label
    from textloop.stages.project.init import init_project

    ner = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    path = tmp_path / "dev.txt"
    path.write_text("Ana\tNNP\tU-PER\nsleeps\tVBZ\tO\n\nBob\tNNP\tU-PER\n\n", encoding="utf-8")
    result = invoke(ner, str(path), "--format", "conll", "--tag-col", "2")
    assert result.exit_code == 0, result.output
    assert "2 rows read, 2 new records, 2 new labels" in result.output
    assert "read as conll: tags BILOU (" in result.output and "tokens joined by space" in (
        result.output)
    bad = invoke(ner, str(path), "--format", "conll", "--scheme", "IOB2")
    assert bad.exit_code == 2 and "line 1" in bad.output and "U-PER" in bad.output, bad.output


def test_skipped_span_records_are_printed_with_line_problem_and_fix(tmp_path) -> None:
    from textloop.config import Label
    from textloop.stages.project.init import init_project

    ner = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    path = tmp_path / "dev.conll"
    path.write_text("Ana\tB-PER\nCorp\tI-ORG\n\nBob\tB-PER\n\n", encoding="utf-8")
    result = invoke(ner, str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "1 rows skipped" in result.output
    assert "line 2: token 2: 'I-ORG' after 'B-PER'" in result.output
    assert "fix: write B-ORG to begin the entity here" in result.output
    done = json_of(invoke(ner, str(path), "--skip-invalid", "--json"))
    [skipped] = done["skipped"]
    assert (skipped["where"], skipped["line"]) == ("line 2", 2)
    assert "'I-ORG' after 'B-PER'" in skipped["problem"] and skipped["fix"]


def test_tag_names_from_a_file_reach_the_hf_tokens_reader(tmp_path) -> None:
    from textloop.config import Label
    from textloop.stages.project.init import init_project

    ner = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    path = tmp_path / "ints.jsonl"
    path.write_text('{"tokens": ["Ana", "sleeps"], "ner_tags": [1, 0]}\n'
                    '{"tokens": ["Bob"], "ner_tags": [3]}\n', encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("O\nB-PER\nI-PER\n", encoding="utf-8")
    bad = invoke(ner, str(path), "--format", "hf-tokens", "--tag-names", str(names))
    assert bad.exit_code == 2, bad.output
    assert "line 2: tag 3 is outside the 3 tag names (0-2: O, B-PER, I-PER)" in bad.output
    result = invoke(ner, str(path), "--format", "hf-tokens", "--tag-names", str(names),
                    "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "1 new records" in result.output and "1 rows skipped" in result.output
    missing = invoke(ner, str(path), "--format", "hf-tokens", "--tag-names", "names.txt")
    assert missing.exit_code == 2 and "--tag-names: no file 'names.txt'" in missing.output


def test_an_error_quoting_the_file_shows_its_escapes(project, store, tmp_path,
                                                     monkeypatch) -> None:
    """An error names what the file held; that text is the file's, so it is printed with its
    escape sequences and markup shown, not obeyed, and nothing is stored."""
    import json

    from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe
    from textloop.cli.console import err_console

    monkeypatch.setattr(err_console, "_width", 400)
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "win cash", "label": HOSTILE}) + "\n", encoding="utf-8")
    result = invoke(project, str(path))
    assert result.exit_code == 2
    assert SHOWN in assert_safe(result.output) and "Error:" in result.output
    assert counts(store) == (0, 0, 0)


def test_no_labels_imports_a_labeled_file_as_unlabeled_texts(project, store, tmp_path) -> None:
    path = tmp_path / "pool.csv"
    path.write_text("text,label\nwin cash,spam\nhello mum,ham\n")
    result = invoke(project, str(path), "--no-labels", "--json")
    assert result.exit_code == 0, result.output
    assert (json_of(result)["records_new"], json_of(result)["annotations_new"]) == (2, 0)
    assert counts(store) == (2, 0, 1)
    assert "--no-labels" in runner.invoke(app, ["import", "--help"]).output


def _rows(path, prefix: str, n: int) -> str:
    words = {"spam": "win free cash prize now", "ham": "see you at lunch mum"}
    path.write_text("text,label\n" + "".join(
        f"{prefix} {i} {words['spam' if i % 2 else 'ham']},{'spam' if i % 2 else 'ham'}\n"
        for i in range(n)))
    return str(path)


def test_a_test_file_pinned_at_import_is_the_test_split_runs_are_scored_on(project, store,
                                                                           tmp_path) -> None:
    """import train + --split test, release, train, evaluate; more rows, again: both
    releases test on exactly the pinned rows, and `textloop runs` shows one test size."""
    import pandas as pd

    from tests.unit.stages.release.conftest import rid

    def cli(*args: str):
        result = runner.invoke(app, ["--project", str(project.root), *args])
        assert result.exit_code == 0, result.output
        return result

    cli("import", _rows(tmp_path / "train.csv", "train", 60))
    pinned = cli("import", _rows(tmp_path / "test.csv", "official", 16), "--split", "test")
    assert "rows pinned: 16 to test" in pinned.output
    official = sorted(rid(line.split(",")[0]) for line in
                      (tmp_path / "test.csv").read_text().splitlines()[1:])
    for release, more in (("v1", None), ("v2", "later")):
        if more:
            cli("import", _rows(tmp_path / f"{more}.csv", more, 40))
        made = json_of(cli("release", "--json"))
        assert (made["id"], made["counts"]["test"]) == (release, 16)
        test_ids = pd.read_parquet(store.path_for("releases", release) / "test.parquet")["id"]
        assert sorted(test_ids) == official
        run = json_of(cli("train", "--model", "tfidf-lr", "--release", release, "--json"))
        cli("evaluate", run["run_name"], "--no-probes")
    listed = json_of(cli("runs", "--json"))
    assert [(r["release"], r["metrics"]["test/rows"]) for r in listed] == [("v1", 16.0),
                                                                          ("v2", 16.0)]
