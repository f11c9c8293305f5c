"""``textloop release`` and ``textloop releases`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from textloop.cli.main import app

runner = CliRunner()


def _import(project, tmp_path: Path, rows: int = 30) -> None:
    data = tmp_path / "comments.csv"
    data.write_text("text,label,video\n" + "".join(
        f"comment {i},{'spam' if i % 2 else 'ham'},v{i % 6}\n" for i in range(rows)))
    result = runner.invoke(app, ["--project", str(project.root), "import", str(data),
                                 "--meta-cols", "video"])
    assert result.exit_code == 0, result.output


def test_release_prints_id_counts_path_and_changes(project, tmp_path) -> None:
    _import(project, tmp_path)
    result = runner.invoke(app, ["--project", str(project.root), "release", "--group-col",
                                 "video", "--seed", "5", "--message", "first"])
    assert result.exit_code == 0, result.output
    assert "Released v1: 30 records" in result.output
    assert "first release: 30 rows" in result.output
    assert str(project.root / ".textloop" / "releases" / "v1") in result.output.replace("\n", "")
    spam_line = next(line for line in result.output.splitlines() if "spam" in line)
    assert "15" in spam_line
    assert (project.root / ".textloop" / "releases" / "v1" / "train.parquet").is_file()


def test_releases_lists_versions_with_changes(project, tmp_path) -> None:
    _import(project, tmp_path)
    for _ in range(2):
        assert runner.invoke(app, ["--project", str(project.root), "release"]).exit_code == 0
    result = runner.invoke(app, ["--project", str(project.root), "releases"])
    assert result.exit_code == 0, result.output
    assert "v1" in result.output and "v2" in result.output
    assert "no changes since v1" in result.output


def test_release_without_labels_prints_error_and_hint(project) -> None:
    result = runner.invoke(app, ["--project", str(project.root), "release"])
    assert result.exit_code == 2
    assert "Error:" in result.output and "no labeled records" in result.output
    assert "textloop import FILE --label-col COLUMN" in result.output


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["release", "--help"])
    assert "textloop release --group-col" in result.output
    assert "Example: textloop releases" in runner.invoke(app, ["releases", "--help"]).output


def test_a_plain_release_prints_the_inherited_group_column(project, tmp_path) -> None:
    _import(project, tmp_path)
    base = ["--project", str(project.root), "release"]
    assert runner.invoke(app, [*base, "--group-col", "video"]).exit_code == 0
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    assert "group column: video (inherited from v1)" in result.output
    dropped = runner.invoke(app, [*base, "--group-col", "none"])
    assert "group column: none (--group-col none)" in dropped.output
    assert "'video' of v2 is dropped" in dropped.output.replace("\n", " ")


def test_releases_json_lists_each_release_with_its_facts(project, tmp_path) -> None:
    import json

    _import(project, tmp_path)
    for message in ("first", "second"):
        assert runner.invoke(app, ["--project", str(project.root), "release", "--message",
                                   message]).exit_code == 0
    result = runner.invoke(app, ["--project", str(project.root), "releases", "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [(e["id"], e["parent"], e["rows"], e["message"]) for e in entries] == [
        ("v1", None, 30, "first"), ("v2", "v1", 30, "second")]
    assert entries[1]["changes"] == "no changes since v1"
    assert entries[0]["path"] == str(project.root / ".textloop" / "releases" / "v1")
    shown = runner.invoke(app, ["--project", str(project.root), "releases"])
    assert "no changes since v1" in shown.output and "second" in shown.output


def test_releases_json_of_a_project_without_releases_is_an_empty_list(project) -> None:
    import json

    result = runner.invoke(app, ["--project", str(project.root), "releases", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_release_json_gives_the_counts_settings_and_path(project, tmp_path) -> None:
    _import(project, tmp_path)
    info = json_of(runner.invoke(app, ["--project", str(project.root), "release",
                                       "--group-col", "video", "--seed", "5", "--json"]))
    assert info["id"] == "v1" and info["rows"] == 30 and info["parent"] is None
    assert sum(info["counts"].values()) == 30
    assert info["label_counts"]["spam"]["train"] + info["label_counts"]["spam"]["test"] \
        + info["label_counts"]["spam"]["validation"] == 15
    assert info["settings"]["group_field"][0] == "video"  # [value, where it came from]
    assert info["settings"]["seed"][0] == 5
    assert info["path"] == str(project.root / ".textloop" / "releases" / "v1")


def test_release_notes_print_escaped_and_stay_exact_in_json(project, tmp_path,
                                                            monkeypatch) -> None:
    """Release notes are anyone's text: the listing shows their escapes and markup as text."""
    from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe
    from textloop.cli.console import console

    monkeypatch.setattr(console, "_width", 400)
    _import(project, tmp_path)
    made = runner.invoke(app, ["--project", str(project.root), "release", "--message", HOSTILE])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["--project", str(project.root), "releases"])
    assert listed.exit_code == 0, listed.output
    assert SHOWN in assert_safe(listed.output)
    (entry,) = json_of(runner.invoke(app, ["--project", str(project.root), "releases",
                                           "--json"]))
    assert entry["message"] == HOSTILE


def test_release_prints_and_lists_the_annotators_agreement(project, tmp_path) -> None:
    import json

    from tests.unit.stages.release.conftest import relabel, rid
    from textloop.storage import Store

    _import(project, tmp_path)
    base = ["--project", str(project.root)]
    first = runner.invoke(app, [*base, "release"])
    assert first.exit_code == 0, first.output
    assert ("agreement: not measured — every record has one annotator or came from an "
            "import") in " ".join(first.output.split())
    with Store.for_project(project) as store:
        for i in range(4):  # alice and bob agree on four records
            for who in ("alice", "bob"):
                relabel(store, rid(f"comment {i}"), "spam" if i % 2 else "ham", who)
    second = runner.invoke(app, [*base, "release"])
    assert second.exit_code == 0, second.output
    assert ("agreement: Krippendorff's alpha 1.00, Fleiss' kappa 1.00 on 4 records with two "
            "or more annotators (0 adjudicated, 4 by their answers)"
            ) in " ".join(second.output.split())
    listed = json.loads(runner.invoke(app, [*base, "releases", "--json"]).stdout)
    assert [e["agreement"]["measured"] for e in listed] == [False, True]
    assert listed[1]["agreement"]["krippendorff_alpha"]["value"] == 1.0
