"""The checks the deployment tests rely on can fail: each refuses what does not exist."""

from __future__ import annotations

import pytest

from tests.unit.deploy import checks


def test_an_unknown_command_or_option_is_named() -> None:
    with pytest.raises(AssertionError, match="textloop servee` is not a textloop command"):
        checks.parse_textloop(["servee", "--port", "8000"], "here")
    usage = checks.parse_textloop(["--project", "/p", "serve", "--port", "8000", "--nope"],
                                  "here")
    assert usage.path == ("serve",) and usage.options == ("--port", "--nope")
    assert checks.missing_options(usage) == {"--nope"}
    with pytest.raises(AssertionError, match="`textloop serve` has no option --nope"):
        checks.check_usages([usage])


def test_option_values_are_not_read_as_commands() -> None:
    usage = checks.parse_textloop(["keys", "create", "billing-app", "--rate", "100/s",
                                   "--json"], "here")
    assert usage.path == ("keys", "create") and usage.options == ("--rate", "--json")
    checks.check_usages([usage])


def test_shell_commands_split_and_find_textloop_behind_wrappers() -> None:
    text = ("export X=1 && textloop status  # a comment\n"
            "kubectl exec deploy/a -- textloop keys create b \\\n    --json | jq .key\n")
    commands = checks.shell_commands(text)
    assert commands == [["export", "X=1"], ["textloop", "status"],
                        ["kubectl", "exec", "deploy/a", "--", "textloop", "keys", "create",
                         "b", "--json"], ["jq", ".key"]]
    assert [checks.textloop_argv(c) for c in commands] == [
        None, ["status"], ["keys", "create", "b", "--json"], None]


def test_the_server_routes_are_matched_by_method_and_path() -> None:
    assert checks.server_answers("GET", "/healthz")
    assert checks.server_answers("POST", "/v1/classify")
    assert not checks.server_answers("POST", "/healthz")
    assert not checks.server_answers("GET", "/health")


def test_environment_variables_read_are_found_in_the_source() -> None:
    read = checks.env_vars_read()
    assert {"TEXTLOOP_STORE_URL", "TEXTLOOP_PROJECT", "TEXTLOOP_CACHE_DIR",
            "TEXTLOOP_BUSY_TIMEOUT", "RAY_ADDRESS", "MLFLOW_TRACKING_URI"} <= read
    assert "TEXTLOOP_STORE" not in read and "PATH" not in read


def test_requested_extras_are_read_from_requirements() -> None:
    assert checks.requested_extras('pip install ".[ray,postgres]" "textloop[ hf ]"') == {
        "ray", "postgres", "hf"}
    assert {"ray", "postgres"} <= checks.extras()
