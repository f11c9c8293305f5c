"""``register | versions | promote | rollback | lineage`` as a user types them."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.selection_fixtures import noisy_release
from textloop.cli.main import app
from textloop.config import PromotionSettings
from textloop.stages.train.training import train

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args],
                         env={"TEXTLOOP_USER": "ana"})


def set_policy(project, **bounds) -> None:
    """Write the promotion section to textloop.yaml, as a user would edit it."""
    project.spec.promotion = PromotionSettings(**{"max_ece": 1.0, "max_latency_ms": None,
                                                  **bounds})
    project.save()


def test_register_promote_refuse_force_rollback_and_lineage(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    set_policy(project, min_uplift=-1.0)
    first = train(store, project, params={"C": 1.0}).run_name
    registered = invoke(project, "register", first)
    assert registered.exit_code == 0, registered.output
    assert "Registered m1 from run" in registered.output and "alias challenger" in registered.output
    promoted = invoke(project, "promote", "challenger")
    assert promoted.exit_code == 0, promoted.output
    assert "uplift" in promoted.output and "no champion yet" in promoted.output
    assert "Champion: m1 (was -)" in promoted.output

    invoke(project, "register", train(store, project, params={"C": 8.0}).run_name)
    set_policy(project, min_uplift=0.5)
    refused = invoke(project, "promote", "v2")  # the old name of a version still works
    assert refused.exit_code == 4, refused.output
    assert "fail" in refused.output and "m2 was not promoted: uplift:" in refused.output
    assert "--force" in refused.output and "Traceback" not in refused.output

    forced = invoke(project, "promote", "m2", "--force", "--reason", "hotfix")
    assert forced.exit_code == 0, forced.output
    assert "Champion: m2 (was m1)" in forced.output and "override recorded" in forced.output

    listed = invoke(project, "versions", "--history")
    assert listed.exit_code == 0, listed.output
    assert "champion" in listed.output and "promote (forced)" in listed.output
    assert "hotfix" in listed.output

    rolled = invoke(project, "rollback", "--reason", "bad hotfix")
    assert rolled.exit_code == 0, rolled.output
    assert "Champion: m1 (rolled back from m2)" in rolled.output
    again = invoke(project, "rollback")
    assert again.exit_code == 4 and "no previous champion" in again.output

    traced = invoke(project, "lineage", "champion", "--ids")
    assert traced.exit_code == 0, traced.output
    assert f"m1 (champion) -> run {first}" in traced.output
    assert "release v1: 240 row ids" in traced.output
    id_lines = [line for line in traced.output.splitlines() if line.count("\t") == 2]
    assert len(id_lines) == 240


def test_unknown_version_and_force_without_reason_are_clean_errors(project, store,
                                                                   tmp_path) -> None:
    released(store, project, tmp_path)
    missing = invoke(project, "promote", "v9")
    assert missing.exit_code == 3 and "no model version 'v9'" in missing.output
    invoke(project, "register", train(store, project).run_name)
    no_reason = invoke(project, "promote", "v1", "--force")
    assert no_reason.exit_code == 2 and "--force needs --reason" in no_reason.output
    empty = invoke(project, "versions")
    assert empty.exit_code == 0 and "m1" in empty.output


def test_versions_json_names_release_per_version_and_notes_a_mix(project, store,
                                                                  tmp_path) -> None:
    import json

    from textloop.stages.release import create_release

    released(store, project, tmp_path)
    invoke(project, "register", train(store, project).run_name)
    create_release(store, project)
    invoke(project, "register", train(store, project, release="v2").run_name)
    listed = json.loads(invoke(project, "versions", "--json").stdout)
    assert [(v["version"], v["release"]) for v in listed["versions"]] == [("m1", "v1"),
                                                                          ("m2", "v2")]
    assert listed["note"].startswith("scores come from 2 releases (v1, v2)")
    table = " ".join(invoke(project, "versions").output.split())
    assert "note: scores come from 2 releases" in table


def test_promote_always_says_whether_the_goal_is_met(project, store, tmp_path) -> None:
    import json

    noisy_release(store, project, tmp_path)  # labels with noise: a goal of 1.0 is missed
    set_policy(project, min_uplift=-1.0)
    project.spec.goal.target = 1.0
    project.save()
    invoke(project, "register", train(store, project).run_name)
    promoted = invoke(project, "promote", "m1")
    assert promoted.exit_code == 0, promoted.output
    assert "Goal macro_f1 >= 1: not met" in promoted.output
    assert "not required by promotion.require_goal" in promoted.output
    invoke(project, "register", train(store, project, params={"C": 9.0}).run_name)
    set_policy(project, min_uplift=-1.0, require_goal=True)
    refused = invoke(project, "promote", "m2", "--json")
    assert refused.exit_code == 4
    decision = json.loads(refused.stdout)
    assert decision["version"] == "m2" and decision["promoted"] is False
    assert decision["goal"]["met"] is False and decision["goal"]["required"] is True
    assert {r["rule"]: r["status"] for r in decision["rules"]}["goal"] == "fail"


def test_versions_in_an_80_column_terminal_show_whole_run_names_and_aliases(
        project, store, tmp_path) -> None:
    """The run and aliases are what a user types next (`textloop evaluate RUN`): cut to
    `tfidf-…` or `challen…` they are useless, so those columns never truncate."""
    released(store, project, tmp_path)
    run = train(store, project).run_name
    invoke(project, "register", run)
    listed = runner.invoke(app, ["--project", str(project.root), "versions"],
                           env={"TEXTLOOP_USER": "ana", "COLUMNS": "80"})
    assert listed.exit_code == 0, listed.output
    assert "…" not in listed.output, listed.output
    assert run in listed.output and "challenger" in listed.output


def test_lineage_json_names_the_run_release_and_row_ids(project, store, tmp_path) -> None:
    import json

    released(store, project, tmp_path)
    run = train(store, project).run_name
    assert invoke(project, "register", run).exit_code == 0
    text = invoke(project, "lineage", "m1")
    result = invoke(project, "lineage", "m1", "--ids", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["version"]["name"] == "m1" and found["run"]["name"] == run
    assert found["release"]["id"] == "v1"
    total = sum(found["rows_per_split"].values())
    assert f"{total:,} row ids" in text.output
    assert len(found["row_ids"]) == total
    assert {r["split"] for r in found["row_ids"]} == set(found["rows_per_split"])
    assert {r["label"] for r in found["row_ids"]} <= {"spam", "ham"}
    assert found["release_card"].startswith(found["release_path"])
    assert json.loads(invoke(project, "lineage", "m1", "--json").stdout)["row_ids"] is None


def test_register_and_rollback_json(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    set_policy(project, min_uplift=-1.0)
    first = train(store, project, params={"C": 1.0}).run_name
    registered = json_of(invoke(project, "register", first, "--json"))
    assert registered["version"]["name"] == "m1" and registered["version"]["run_name"] == first
    assert registered["evaluated_now"] is True and registered["card_path"].endswith(".md")
    assert "macro_f1" in registered["version"]["metrics"]
    invoke(project, "promote", "m1")
    invoke(project, "register", train(store, project, params={"C": 8.0}).run_name)
    invoke(project, "promote", "m2")
    rolled = json_of(invoke(project, "rollback", "--json"))
    assert rolled == {"previous": "m2", "champion": "m1"}
    again = invoke(project, "rollback", "--json")
    assert again.exit_code == 4 and again.stdout == "" and "no previous champion" in again.stderr


def test_a_span_project_promotes_and_rolls_back_on_entity_micro_f1(tmp_path) -> None:
    from tests.unit.stages.span_run_fixtures import RULES, released_span_project
    from textloop.stages.versions.register import register_run

    with released_span_project(tmp_path) as (project, store, _):
        project.spec.span_rules = [rule for rule in RULES if rule.name != "kr-mobile"]
        worse = register_run(store, project, train(store, project).run_name, actor="ana")
        project.spec.span_rules = list(RULES)
        better = register_run(store, project, train(store, project).run_name, actor="ana")
        set_policy(project, min_uplift=0.0, max_slice_drop=None, max_ece=None)
    first = json_of(invoke(project, "promote", "m1", "--json"))
    assert first["promoted"] and first["goal"]["metric"] == "entity_micro_f1"
    assert first["goal"]["value"] == worse.version["metrics"]["entity_micro_f1"]
    latency = next(r for r in first["rules"] if r["rule"] == "latency")
    assert "single-text predictions" in latency["sentence"]  # timed on the span model

    set_policy(project, min_uplift=0.99, max_slice_drop=None, max_ece=None)
    refused = invoke(project, "promote", "m2", "--json")
    assert refused.exit_code == 4, refused.output
    assert (f"entity_micro_f1 {better.version['metrics']['entity_micro_f1']:.4f} vs champion m1"
            in refused.output)
    set_policy(project, min_uplift=0.0, max_slice_drop=None, max_ece=None)
    second = json_of(invoke(project, "promote", "m2", "--json"))
    assert second["promoted"] and second["previous"] == "m1"
    rolled = json_of(invoke(project, "rollback", "--json"))
    assert rolled == {"previous": "m2", "champion": "m1"}
