"""``textloop synth`` and its sub-commands as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.console import console
from textloop.cli.main import app

runner = CliRunner()
FAST = ("--generator", "swap", "--no-embeddings")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    monkeypatch.setattr(console, "_width", 250)


@pytest.fixture
def project_v1(project, store, tmp_path):
    released(store, project, tmp_path)
    return project


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "synth", *args],
                         env={"TEXTLOOP_USER": "ana"})


def test_synth_prints_a_row_per_class_and_stores_a_pending_batch(project_v1) -> None:
    result = invoke(project_v1, *FAST, "--per-class", "15", "--classes", "1")
    assert result.exit_code == 0, result.output
    assert "Batch s1 from textloop.synth.swap.v2" in result.output
    row = next(line for line in result.output.splitlines() if "│ spam" in line)
    assert "rarest: 80 records (no champion)" in row and "│ 15 " in row
    items = json.loads(invoke(project_v1, "show", "--json").stdout)["items"]
    assert len(items) == 15 and all(i["generator"] == "textloop.synth.swap.v2" for i in items)
    assert all(i["status"] == "accepted" or i["reason"] for i in items)
    assert "Note: paraphrases not checked" in result.output
    assert "Stored batch s1 (pending)" in result.output
    listed = invoke(project_v1, "list")
    assert "s1" in listed.output and "pending" in listed.output and "swap" in listed.output


def test_evaluate_flag_json_and_the_decision_round_trip(project_v1) -> None:
    result = invoke(project_v1, *FAST, "--per-class", "10", "--evaluate", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["batch"] == "s1" and set(body["counts"]) == {"spam", "ham"}
    assert body["evaluation"]["decision"] in ("accepted", "held_back")
    assert set(body["evaluation"]["per_class"]) == {"spam", "ham"}
    shown = invoke(project_v1, "show", "s1", "--json")
    assert json.loads(shown.stdout)["batch"]["decided_by"] == "evaluation"
    held = invoke(project_v1, "reject", "s1", "--reason", "too repetitive")
    assert "Batch s1 held back by ana." in held.output
    assert "held_back by ana: too repetitive" in invoke(project_v1, "show", "s1").output


def test_evaluate_prints_the_test_split_and_the_cross_fitted_deltas_it_decided_on(
        project_v1) -> None:
    assert invoke(project_v1, *FAST, "--per-class", "10").exit_code == 0
    result = invoke(project_v1, "evaluate", "s1", "--seeds", "2")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())  # table titles wrap
    assert "s1 on v1/test: textloop.model.tfidf-lr.v1 (1 seed(s), medians)" in flat
    assert "Cross-fitted on 240 real rows of v1 (5 folds, 2 seed(s), medians)" in flat
    assert result.output.count("│ macro-F1") == 2
    assert "judged on 240 real rows cross-fitted: the test split has 8 row(s) of 'spam'" in flat
    body = json.loads(invoke(project_v1, "show", "s1", "--json").stdout)["batch"]
    assert body["evaluation"]["evidence"] == "cross-fit"
    assert body["evaluation"]["cross_fit"]["seeds"] == [0, 1]


def test_show_lists_rejected_items_with_their_reasons_and_accept_takes_items(
        project_v1) -> None:
    assert invoke(project_v1, *FAST, "--per-class", "20").exit_code == 0
    shown = invoke(project_v1, "show", "s1", "--status", "rejected")
    assert shown.exit_code == 0, shown.output
    assert "contamination: a near-duplicate" in shown.output  # of a test record
    assert "│ accepted" not in shown.output
    rejected = json.loads(invoke(project_v1, "show", "--status", "rejected", "--json").stdout)
    number = rejected["items"][0]["n"]
    accepted = invoke(project_v1, "accept", "s1", str(number))
    assert f"Items {number} of s1 accepted by ana." in accepted.output
    assert "join a release once the batch is accepted" in accepted.output
    after = json.loads(invoke(project_v1, "show", "--json").stdout)["items"]
    item = next(i for i in after if i["n"] == number)
    assert (item["status"], item["decision"], item["decided_by"]) == (
        "rejected", "accepted", "ana")
    batch = invoke(project_v1, "accept", "s1")
    assert "Batch s1 accepted by ana." in batch.output and "items join the next release" \
        in batch.output


def test_errors_name_the_problem_and_the_fix(project_v1) -> None:
    missing = invoke(project_v1, "show", "s7")
    assert missing.exit_code == 3 and "Error: no synthetic batch 's7'" in missing.output
    assert "textloop synth list" in missing.output
    unknown = invoke(project_v1, *FAST, "--labels", "eggs")
    assert unknown.exit_code == 2 and "labels the project does not have: eggs" in unknown.output
    bad_status = invoke(project_v1, "show", "--status", "maybe")
    assert bad_status.exit_code == 2 and "use one of all, accepted, rejected" in \
        bad_status.output


def test_help_shows_examples() -> None:
    assert "textloop synth --evaluate" in runner.invoke(app, ["synth", "--help"]).output
    assert "textloop synth show s2" in runner.invoke(app, ["synth", "show", "--help"]).output
    assert "textloop synth accept s2 14 15" in runner.invoke(
        app, ["synth", "accept", "--help"]).output


def test_a_record_taken_back_out_says_how_to_bring_it_back(project_v1) -> None:
    assert invoke(project_v1, *FAST, "--per-class", "10", "--classes", "1").exit_code == 0
    invoke(project_v1, "accept", "s1")
    items = json.loads(invoke(project_v1, "show", "--json").stdout)["items"]
    item = next(i for i in items if i["record_id"])
    invoke(project_v1, "reject", "s1")
    shown = runner.invoke(app, ["--project", str(project_v1.root), "show", item["record_id"]])
    assert "from synthetic synth:s1" in shown.output
    assert f"accept it again: textloop synth accept s1 {item['n']}" in shown.output


def test_synth_with_synonyms_on_a_korean_project_says_what_works_instead(project_v1) -> None:
    project_v1.spec.language = "ko"
    project_v1.save()
    result = invoke(project_v1, "--generator", "synonym", "--no-embeddings")
    flat = " ".join(result.output.split())
    assert result.exit_code == 6, result.output
    assert "textloop.synth.synonym.v2 reads English WordNet" in flat
    assert "language is 'ko'" in flat and "--generator typo" in flat
    assert "s1" not in invoke(project_v1, "list").output


def test_list_json_gives_each_batch_its_counts_and_decision(project_v1) -> None:
    assert json.loads(invoke(project_v1, "list", "--json").stdout) == []
    assert invoke(project_v1, *FAST, "--per-class", "10").exit_code == 0
    invoke(project_v1, "reject", "s1", "--reason", "too repetitive")
    listed = invoke(project_v1, "list", "--json")
    assert listed.exit_code == 0, listed.output
    [batch] = json.loads(listed.stdout)
    assert batch["id"] == "s1" and batch["generator"] == "textloop.synth.swap.v2"
    assert set(batch["counts"]) == {"spam", "ham"}
    assert all(c["generated"] == 10 for c in batch["counts"].values())
    assert (batch["decision"], batch["decided_by"], batch["reason"]) == (
        "held_back", "ana", "too repetitive")
    accepted = sum(c["accepted"] for c in batch["counts"].values())
    row = next(line for line in invoke(project_v1, "list").output.splitlines() if "s1" in line)
    assert f"│ {accepted} " in row


def test_accept_and_reject_json_give_the_batch_and_the_records_moved(project_v1) -> None:
    assert invoke(project_v1, *FAST).exit_code == 0
    accepted = json_of(invoke(project_v1, "accept", "s1", "--json"))
    assert accepted["batch"]["id"] == "s1" and accepted["batch"]["decision"] == "accepted"
    assert accepted["added"] > 0 and accepted["removed"] == 0
    rejected = json_of(invoke(project_v1, "reject", "s1", "--reason", "off tone", "--json"))
    assert rejected["batch"]["decision"] == "held_back"  # rejected after it was accepted
    assert rejected["removed"] == accepted["added"] and rejected["added"] == 0


def test_synth_on_a_span_project_evaluates_on_entity_f1(tmp_path) -> None:
    from tests.unit.stages.synthesize.span_fixtures import released_people_and_places

    with released_people_and_places(tmp_path) as (project, _, _):
        made = invoke(project, "--no-embeddings", "--per-class", "6")
        assert made.exit_code == 0, made.output
        assert "Batch s1 from textloop.synth.mention-swap.v1" in made.output
        refused = invoke(project, "--generator", "swap", "--no-embeddings")
        result = invoke(project, "evaluate", "s1", "--seeds", "1")
        listed = invoke(project, "list")
    assert refused.exit_code != 0 and "is a span project" in refused.output
    row = next(line for line in listed.output.splitlines() if "s1" in line)
    assert "(entity micro-F1)" in row and "macro-F1" not in row
    assert result.exit_code == 0, result.output
    assert "textloop.model.minilm-crf.v1" in result.output
    assert result.output.count("│ entity_micro_f1") == 1 and "│ PER" in result.output
