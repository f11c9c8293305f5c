"""``textloop annotators add | list | revoke | reset`` through the CLI runner."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from textloop.cli.main import app
from textloop.stages.label.annotators import authenticate
from textloop.storage import annotators as table

runner = CliRunner()
TOKEN = re.compile(r"^  ([A-Za-z0-9_-]{20,})$", re.MULTILINE)


def run(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "annotators", *args],
                         terminal_width=200)


def token_in(output: str) -> str:
    found = TOKEN.findall(output)
    assert len(found) == 1, output  # printed once
    return found[0]


def test_add_prints_the_token_once_and_stores_only_its_hash(project, store) -> None:
    result = run(project, "add", "alice", "--role", "adjudicator")
    assert result.exit_code == 0, result.output
    token = token_in(result.output)
    assert "shown only now" in result.output
    link = f"http://127.0.0.1:8000/login?name=alice#token={token}"
    assert link in result.output
    with store.read() as conn:
        row = table.get(conn, "alice")
    assert row["role"] == "adjudicator"
    assert row["secret_hash"].startswith("scrypt$") and token not in row["secret_hash"]
    found = authenticate(store, "alice", token)
    assert found is not None and found.can_adjudicate
    listed = run(project, "list")
    assert token not in listed.output


def test_the_login_link_follows_url(project, store) -> None:
    result = run(project, "add", "bob", "--url", "https://labels.example.org/")
    token = token_in(result.output)
    assert f"https://labels.example.org/login?name=bob#token={token}" in result.output


def test_list_shows_roles_and_status(project, store) -> None:
    assert "No annotators yet" in run(project, "list").output
    run(project, "add", "alice")
    run(project, "add", "judge", "--role", "admin")
    run(project, "revoke", "alice")
    listed = run(project, "list")
    assert listed.exit_code == 0
    rows = {line.split()[1]: line for line in listed.output.splitlines()
            if line.startswith("│") and ("alice" in line or "judge" in line)}
    assert "annotator" in rows["alice"] and "revoked" in rows["alice"]
    assert "admin" in rows["judge"] and "active" in rows["judge"]


def test_a_revoked_token_is_refused_and_reset_issues_a_new_one(project, store) -> None:
    old = token_in(run(project, "add", "alice").output)
    revoked = run(project, "revoke", "alice")
    assert revoked.exit_code == 0 and "Revoked alice" in revoked.output
    assert authenticate(store, "alice", old) is None
    reset = run(project, "reset", "alice")
    assert reset.exit_code == 0
    new = token_in(reset.output)
    assert new != old
    assert authenticate(store, "alice", new) is not None
    assert authenticate(store, "alice", old) is None


def test_mistakes_get_an_error_and_a_hint(project, store) -> None:
    run(project, "add", "alice")
    twice = run(project, "add", "alice")
    assert twice.exit_code == 4 and "already exists" in twice.output
    bad_name = run(project, "add", "<b>x</b>")
    assert bad_name.exit_code == 2 and "not allowed" in bad_name.output
    bad_role = run(project, "add", "carl", "--role", "boss")
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    missing = run(project, "revoke", "nobody")
    assert missing.exit_code == 3 and "annotators list" in missing.output
    assert run(project, "reset", "nobody").exit_code == 3


def test_list_json_gives_each_account_its_role_and_status(project, store) -> None:
    import json

    assert json.loads(run(project, "list", "--json").stdout) == []
    token = token_in(run(project, "add", "alice").output)
    run(project, "add", "judge", "--role", "admin")
    run(project, "revoke", "alice")
    listed = run(project, "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {"name": "alice", "role": "annotator", "status": "revoked"},
        {"name": "judge", "role": "admin", "status": "active"}]
    assert token not in listed.stdout


def test_annotators_alone_lists_the_accounts_as_annotators_list_does(project, store) -> None:
    """The plural noun lists, as ``textloop releases`` and ``runs`` do; ``list`` stays."""
    assert "No annotators yet" in run(project).output
    run(project, "add", "alice")
    plain, listed = run(project), run(project, "list")
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == listed.stdout and "alice" in plain.stdout
    assert json_of(run(project, "--json")) == json_of(run(project, "list", "--json")) == [
        {"name": "alice", "role": "annotator", "status": "active"}]
    help_text = runner.invoke(app, ["annotators", "--help"], terminal_width=200).output
    assert "textloop annotators add alice" in help_text and "reset" in help_text


def test_add_reset_and_revoke_json_give_the_account_and_the_token_once(project,
                                                                        store) -> None:
    added = json_of(run(project, "add", "alice", "--role", "adjudicator", "--json"))
    assert added["name"] == "alice" and added["role"] == "adjudicator"
    assert added["status"] == "active"
    assert added["login_link"] == (f"http://127.0.0.1:8000/login?name=alice"
                                   f"#token={added['token']}")
    assert authenticate(store, "alice", added["token"]) is not None
    revoked = json_of(run(project, "revoke", "alice", "--json"))
    assert revoked == {"name": "alice", "role": "adjudicator", "status": "revoked"}
    reset = json_of(run(project, "reset", "alice", "--json"))
    assert reset["status"] == "active" and reset["token"] != added["token"]
    assert authenticate(store, "alice", reset["token"]) is not None
    assert authenticate(store, "alice", added["token"]) is None


def test_a_mistake_under_json_is_the_usual_error_on_stderr(project, store) -> None:
    run(project, "add", "alice")
    again = run(project, "add", "alice", "--json")
    assert again.exit_code == 4 and again.stdout == ""
    assert "Error:" in again.stderr and "already exists" in again.stderr
