"""``textloop agreement`` through the CLI runner, on answers whose numbers are worked by hand."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from textloop.cli.console import console
from textloop.cli.main import app
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import annotation_log, records

runner = CliRunner()

# record -> {annotator: label}; record 5 is answered by alice only
ANSWERS = [{"alice": "spam", "bob": "spam"},
           {"alice": "ham", "bob": "ham"},
           {"alice": "spam", "bob": "ham"},
           {"alice": "spam", "bob": "spam", "carol": "ham"},
           {"bob": "ham", "carol": "ham"},
           {"alice": "ham"}]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    """Tables as a wide terminal shows them (no wrapped cells)."""
    monkeypatch.setattr(console, "_width", 200)


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "agreement", *args])


def answer(store, project, tmp_path, answers: list[dict[str, str]]) -> list[str]:
    data = tmp_path / "texts.csv"
    data.write_text("text\n" + "".join(f"message {i}\n" for i in range(len(answers))))
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.write() as conn:
        ids = sorted(r.id for r in records.iter_all(conn))
        for rid, given in zip(ids, answers, strict=True):
            for who, label in given.items():
                annotation_log.add_one(conn, record_id=rid, label=label, kind="human",
                                       annotator=who)
    return ids


def table_rows(output: str) -> dict[str, list[str]]:
    """First cell -> the row's cells, for every table row in the output."""
    rows = {}
    for line in output.splitlines():
        if "│" in line:
            cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
            rows.setdefault(cells[0], cells)
    return rows


def test_table_output_has_every_section_with_the_right_numbers(project, store,
                                                               tmp_path) -> None:
    answer(store, project, tmp_path, ANSWERS)
    result = invoke(project, "--min-shared", "2")
    assert result.exit_code == 0, result.output
    assert ("Human answers on 6 records; 5 answered by two or more annotators, 2 of them "
            "disputed.") in result.output
    rows = table_rows(result.output)
    # Fleiss: P_i = 1, 1, 0, 1/3, 1 -> 2/3; shares spam 5/11, ham 6/11 -> 59/180
    assert rows["Fleiss' kappa"][1:4] == ["0.328", "fair", "5"]
    # coincidences o_ss = 3, o_hh = 4, o_sh = o_hs = 2, n = 11 -> 1 - 10 * 4 / 60 = 1/3
    alpha = rows["Krippendorff's alpha (nominal)"]
    assert alpha[1] == "0.333" and alpha[3] == "5"
    # alice and bob share records 0-3 and agree on 3: p_o 3/4, p_e 1/2 -> kappa 0.5
    pairs = [cells for cells in rows.values() if cells[:2] == ["alice", "bob"]]
    assert pairs == [["alice", "bob", "4", "75.0%", "0.500", "moderate"]]
    assert rows["carol"][1:] == ["2", "0", "-"]  # nothing adjudicated to compare with
    assert rows["spam"][1:4] == ["3", "2", "66.7%"] and rows["spam"][4] == "ham (3)"
    assert rows["ham"][1:4] == ["4", "2", "50.0%"]
    assert "2 records wait for adjudication" in result.output
    assert "/adjudicate" in result.output


def test_pairs_below_min_shared_show_no_kappa(project, store, tmp_path) -> None:
    answer(store, project, tmp_path, ANSWERS)
    result = invoke(project)  # the default needs 10 shared records
    assert result.exit_code == 0, result.output
    pairs = [cells for cells in table_rows(result.output).values()
             if cells[:2] == ["alice", "bob"]]
    assert pairs[0][2:5] == ["4", "75.0%", "-"]
    assert "only 4 shared records (kappa needs at least 10)" in pairs[0][5]


def test_json_is_the_whole_report(project, store, tmp_path) -> None:
    ids = answer(store, project, tmp_path, ANSWERS)
    result = invoke(project, "--json", "--min-shared", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["n_records"], data["n_overlapping"], data["n_disputed"]) == (6, 5, 2)
    assert data["fleiss_kappa"]["value"] == pytest.approx(59 / 180)
    assert data["krippendorff_alpha"]["value"] == pytest.approx(1 / 3)
    assert data["awaiting_adjudication"] == 2 and data["note"] == ""
    assert data["disputed_records"] == sorted([ids[2], ids[3]]) == data["awaiting_records"]
    assert {(p["a"], p["b"]): p["n_shared"] for p in data["pairs"]} == {
        ("alice", "bob"): 4, ("alice", "carol"): 1, ("bob", "carol"): 2}


def test_no_overlapping_answers_says_what_to_do(project, store, tmp_path) -> None:
    answer(store, project, tmp_path, [{"alice": "spam"}, {"bob": "ham"}])
    result = invoke(project)
    assert result.exit_code == 0, result.output
    assert "No record has answers from two or more annotators" in result.output
    assert "labeling.overlap: 2" in result.output
    assert "Fleiss" not in result.output and "Traceback" not in result.output


def test_one_annotator_and_no_answers(project, store, tmp_path) -> None:
    empty = invoke(project)
    assert empty.exit_code == 0 and "No human answers yet" in empty.output
    answer(store, project, tmp_path, [{"alice": "spam"}, {"alice": "ham"}])
    alone = invoke(project)
    assert alone.exit_code == 0, alone.output
    assert "Only one annotator (alice) has answered" in alone.output
    data = json.loads(invoke(project, "--json").stdout)
    assert data["fleiss_kappa"]["value"] is None and "only one annotator" in data["note"]


def test_min_shared_below_two_is_a_usage_error(project, store) -> None:
    result = invoke(project, "--min-shared", "1")
    assert result.exit_code == 2 and "--min-shared" in result.output


def test_a_span_project_gets_entity_f1_and_token_kappa(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import ANSWERS as SPAN_ANSWERS
    from tests.unit.stages.span_fixtures import TEXTS, import_texts, span_project
    from tests.unit.stages.span_fixtures import answer as answer_spans
    from textloop.storage import Store

    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path, TEXTS)
        answer_spans(store, ids, SPAN_ANSWERS)
    result = invoke(project)
    assert result.exit_code == 0, result.output
    assert ("Spans on 4 records; 3 annotated by two or more annotators, 1 of them "
            "disputed.") in result.output
    rows = table_rows(result.output)
    # pairs' strict F1: ann-ben 3/4, ann-cat 1, ben-cat 1/2 -> mean 0.75
    assert rows["strict (same start, end, label)"][1:4] == ["0.750", "0.750", "0.750"]
    light = rows["token kappa (Light's: mean of Cohen's)"]
    assert light[3] == f"{(24 / 29 + 1 + 2 / 3) / 3:.3f}" and "10 tokens" in light[4]
    pairs = [cells for cells in rows.values() if cells[:2] == ["ann", "ben"]]
    assert pairs == [["ann", "ben", "3", "66.7%", "0.750", "0.750", "0.828",
                      "almost perfect"]]
    # ORG: ann-ben P 1/2 R 1 F1 2/3; ben-cat R 0 F1 0 (cat marked none: P undefined);
    # ann-cat marked none -> P 1/2, R 1/2, F1 1/3
    assert rows["ORG"][1:] == ["3", "0.500", "0.500", "0.333", "0.333"]
    assert f"Disputed records: {ids[0]}" in result.output
    assert "1 record waits for adjudication" in result.output
    data = json.loads(invoke(project, "--json").stdout)
    assert data["task"] == "spans" and data["disputed_records"] == [ids[0]]
    assert data["kappa"]["value"] == pytest.approx((24 / 29 + 1 + 2 / 3) / 3)


def test_annotator_names_print_escaped_and_stay_exact_in_json(project, store, tmp_path,
                                                               monkeypatch) -> None:
    """Annotator names come with the answers (imported files, other tools): every table
    naming them shows their escapes and markup as text."""
    from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe

    monkeypatch.setattr(console, "_width", 400)
    renamed = [{HOSTILE if who == "alice" else who: label for who, label in given.items()}
               for given in ANSWERS]
    answer(store, project, tmp_path, renamed)
    result = invoke(project, "--min-shared", "2")
    assert result.exit_code == 0, result.output
    shown = assert_safe(result.output)
    assert shown.count(SHOWN) >= 3  # pairs (twice: with bob, with carol) and the per-annotator row
    data = json.loads(invoke(project, "--json", "--min-shared", "2").stdout)
    assert {p["a"] for p in data["pairs"]} | {p["b"] for p in data["pairs"]} == {
        HOSTILE, "bob", "carol"}


def test_min_shared_on_a_span_project_is_refused_saying_what_it_applies_to(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import span_project

    project = span_project(tmp_path / "ner")
    refused = invoke(project, "--min-shared", "5")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "--min-shared 5 applies to label projects" in " ".join(refused.output.split())
    assert invoke(project).exit_code == 0
