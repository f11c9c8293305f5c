"""``textloop rules`` and ``textloop rules --apply`` through the CLI runner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.stages.rules.rule_fixtures import HAM_WORDS, SPAM_WORDS, import_texts, with_rules
from textloop.cli.console import console
from textloop.cli.main import app
from textloop.storage import annotation_log

runner = CliRunner()

# TEXTS: win a free prize now, free entry txt, see you at home, ok see you later,
#        free at home tonight, nothing here
IMPORTED = ["spam", "spam", "ham", "ham", "ham", "ham"]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    monkeypatch.setattr(console, "_width", 200)


@pytest.fixture
def ids(project, store, tmp_path) -> dict[str, str]:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    return import_texts(store, project, tmp_path, labels=IMPORTED)


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "rules", *args])


def table_rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        if "│" in line:
            cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
            rows.setdefault(cells[0], cells)
    return rows


def test_columns_and_numbers_against_imported_labels(project, store, ids) -> None:
    result = invoke(project, "--gold", "import")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "coverage" in line)
    assert [h.strip() for h in header.strip("┃ ").split("┃")] == [
        "rule", "label", "coverage", "overlaps", "conflicts", "accuracy", "n gold"]
    rows = table_rows(result.stdout)
    # spam_words fires on 3 of 6 (one shared with ham_words, in conflict); right on 2 of 3
    assert rows["spam_words"][1:] == ["spam", "50.0%", "16.7%", "16.7%", "66.7%", "3"]
    assert rows["ham_words"][1:] == ["ham", "50.0%", "16.7%", "16.7%", "100.0%", "3"]
    assert rows["any rule"][1:] == ["", "83.3%", "16.7%", "16.7%", "", "6"]
    assert "6 records whose final label is of kind import" in result.output


def test_accuracy_defaults_to_peoples_labels(project, store, ids) -> None:
    first = invoke(project)
    no_people = table_rows(first.stdout)
    assert no_people["spam_words"][5:] == ["-", "0"]  # no accuracy rather than 0%
    assert "textloop rules --gold import" in " ".join(first.stdout.split())
    with store.write() as conn:
        for text, label in (("free at home tonight", "spam"), ("see you at home", "spam")):
            annotation_log.add_one(conn, record_id=ids[text], label=label, kind="human",
                                   annotator="alice")
    measured = invoke(project)
    assert "--gold import" not in measured.stdout
    rows = table_rows(measured.stdout)
    assert rows["spam_words"][5:] == ["100.0%", "1"]
    assert rows["ham_words"][5:] == ["0.0%", "2"]


def test_json_analysis(project, store, ids) -> None:
    result = invoke(project, "--gold", "import", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_items"] == 6 and data["n_gold"] == 6 and data["gold_kinds"] == ["import"]
    spam = next(r for r in data["rules"] if r["name"] == "spam_words")
    assert (spam["n_votes"], spam["n_gold"], spam["n_correct"]) == (3, 3, 2)
    assert spam["coverage"] == pytest.approx(0.5) and spam["polarity"] == ["spam"]
    assert data["conflict"] == pytest.approx(1 / 6)


def test_apply_stores_weak_labels_and_a_second_run_changes_nothing(project, store, ids) -> None:
    first = invoke(project, "--apply")
    assert first.exit_code == 0, first.output
    assert "label_model:dawid_skene (textloop.label_model.dawid_skene.v1)" in first.output
    # records, voted on, new, changed, unchanged, below threshold, withdrawn
    assert table_rows(first.stdout)["6"] == ["6", "5", "4", "0", "0", "1", "0"]
    assert "Standing weak labels: ham 2, spam 2." in first.output
    again = invoke(project, "--apply", "--json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert (data["new"], data["unchanged"], data["changed"]) == (0, 4, 0)
    assert data["labels"] == {"spam": 2, "ham": 2} and data["annotator"] == (
        "label_model:dawid_skene")


def test_apply_with_majority_and_a_threshold(project, store, ids) -> None:
    result = invoke(project, "--apply", "--method", "majority", "--min-confidence", "0.9",
                    "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["label_model"] == "textloop.label_model.majority.v1"
    assert data["min_confidence"] == 0.9 and data["new"] == 4 and data["below_threshold"] == 1


def test_errors_are_reported_without_a_traceback(project, store, ids) -> None:
    bad_method = invoke(project, "--apply", "--method", "snorkel")
    assert bad_method.exit_code == 2 and "unknown label model 'snorkel'" in bad_method.output
    assert "Hint:" in bad_method.output
    bad_gold = invoke(project, "--gold", "imported")
    assert bad_gold.exit_code == 2 and "unknown label kind 'imported'" in bad_gold.output
    out_of_range = invoke(project, "--apply", "--min-confidence", "1.5")
    assert out_of_range.exit_code == 2
    assert all("Traceback" not in r.output for r in (bad_method, bad_gold, out_of_range))


def test_a_project_without_rules_gets_an_example(project, store) -> None:
    result = invoke(project)
    assert result.exit_code == 6  # a configuration error
    assert "declares no weak labeling rules" in result.output
    assert "keywords: [free, win, prize" in result.output


@pytest.fixture
def span_ids(tmp_path):
    from tests.unit.stages.rules.span_fixtures import RULES, label_people, opened_span_project

    with opened_span_project(tmp_path, *RULES) as (project, store, ids):
        label_people(store, ids)
    return project, ids


def test_span_rules_table_weak_row_and_examples(span_ids) -> None:
    from tests.unit.stages.rules.span_fixtures import APPLE_PIE

    project, ids = span_ids
    result = invoke(project)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.output)
    # rule, label, coverage, spans, overlaps, conflicts, strict P, partial P, strict R, on gold
    assert rows["kr-mobile"][1:4] == ["PHONE", "16.7%", "1"]
    assert rows["kr-mobile"][6] == "100.0%" and rows["kr-mobile"][8] == "50.0%"
    assert rows["brands"][6] == "66.7%" and rows["samsung-org"][5] == "100.0%"
    assert rows["weak spans"][3] == "4"  # in the store; 3 of them on the labeled records
    assert rows["weak spans"][6:] == ["66.7%", "66.7%", "40.0%", "3"]
    assert "records whose final spans are of kind human or adjudicated or review (5 spans" in (
        " ".join(result.output.split()))
    assert f"brands: marked, people did not BRAND 'Apple' in {ids[APPLE_PIE]}" in result.output
    assert "kr-mobile: missed PHONE '010 9876 5432'" in result.output
    assert "[010 9876 5432]" in result.output


def test_span_rules_json_and_apply(span_ids) -> None:
    project, _ = span_ids
    result = invoke(project, "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["weak"]["strict_recall"] == pytest.approx(0.4)
    assert {e["kind"] for e in found["examples"]} == {"false_positive", "missed"}
    applied = invoke(project, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "label_model:majority" in applied.output and "confidence" not in applied.output
    assert "Weak spans: BRAND 3, PHONE 1" in applied.output
    refused = invoke(project, "--apply", "--method", "dawid_skene")
    assert refused.exit_code != 0 and "token majority" in refused.output


def test_span_rule_examples_quote_the_record_escaped(tmp_path, monkeypatch) -> None:
    """An example quotes the record around the rule's span: that text is the record's, so
    its escape sequences, carriage return and bidi override show as escapes and its markup
    as text."""
    from tests.unit.cli.hostile import assert_safe, import_one
    from tests.unit.stages.rules.span_fixtures import BRANDS, add_spans, span_project
    from textloop.storage import Store

    monkeypatch.setattr(console, "_width", 400)
    text = "[bold]x[/]\x1b[31m Apple \r\u202e\x1b]8;;http://x\x07 end"
    project = span_project(tmp_path / "ner", BRANDS)
    with Store.for_project(project) as store:
        rid = import_one(store, project, tmp_path, text)
        add_spans(store, rid, [])  # people marked nothing: Apple is the rule's false positive
    result = invoke(project)
    assert result.exit_code == 0, result.output
    assert (rf"brands: marked, people did not BRAND 'Apple' in {rid}: "
            r"[bold]x[/]\x1b[31m [Apple] \r\u202e\x1b]8;;http://x\x07 end"
            ) in assert_safe(result.output)


def test_min_confidence_on_span_rules_is_refused_saying_what_it_applies_to(span_ids) -> None:
    project, _ = span_ids
    refused = invoke(project, "--apply", "--min-confidence", "0.7")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "--min-confidence 0.7 applies to label rules" in " ".join(refused.output.split())
    assert "Weak spans" not in refused.output
