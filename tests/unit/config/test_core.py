"""Loading, explaining and writing textloop.yaml: messages that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.specs import VALID, write
from textloop.config import find_project, load_spec, set_spec_key, write_spec
from textloop.errors import ConfigError, NotFoundError


def test_valid_spec_loads_with_defaults(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID))
    assert spec.label_names == ["spam", "ham"]
    assert spec.goal.target == 0.95
    assert spec.release.train == 0.8
    assert spec.actions.band_for(0.95) == "auto"


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, VALID + "lables: []\n"))
    assert "unknown key `lables`" in info.value.message
    assert "did you mean `labels`" in info.value.message


def test_unknown_nested_key_names_the_full_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, VALID.replace("target: 0.95", "target: 0.95, traget: 1")))
    assert "goal.traget" in info.value.message and "`target`" in info.value.message


def test_bad_type_names_key_and_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, VALID.replace("target: 0.95", "target: high")))
    assert "goal.target" in info.value.message and "'high'" in info.value.message


def test_missing_required_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, "name: x\n"))
    assert "missing required key `labels`" in info.value.message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, "name: x\nlabels: [a, b\n"))
    assert "line" in info.value.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_bytes(b"name: caf\xe9\nlabels: []\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_spec(path)


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID))
    out = tmp_path / "copy.yaml"
    write_spec(out, spec)
    assert load_spec(out) == spec
    assert out.read_text(encoding="utf-8").startswith("# textloop project spec")


def test_find_project_walks_up(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    project = find_project(nested)
    assert project.root == tmp_path.resolve()
    assert project.store_url == f"sqlite:///{tmp_path.resolve()}/.textloop/textloop.db"


def test_find_project_without_spec(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        find_project(tmp_path)
    assert "textloop init" in (info.value.hint or "")


def test_store_url_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, VALID)
    monkeypatch.setenv("TEXTLOOP_STORE_URL", "postgresql+psycopg://u@h/db")
    assert find_project(tmp_path).store_url == "postgresql+psycopg://u@h/db"


def test_unknown_keys_under_targets_and_calibration_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"actions\.targets\.block\.precison.*`precision`"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {block: {precison: 0.95}}}\n"))
    with pytest.raises(ConfigError, match=r"calibration\.methd.*`method`"):
        load_spec(write(tmp_path, VALID + "calibration: {methd: isotonic}\n"))
    assert load_spec(write(tmp_path, VALID)).calibration.method == "temperature"


def test_set_spec_key_replaces_or_adds_one_line_and_quotes_what_yaml_would_misread(
        tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("# mine\nname: x\nlabels: [{name: a}, {name: b}]\nlanguage: null", "utf-8")
    set_spec_key(path, "language", "no")  # Norwegian, not YAML's false
    assert path.read_text("utf-8") == ("# mine\nname: x\nlabels: [{name: a}, {name: b}]\n"
                                       "language: 'no'\n")
    assert load_spec(path).language == "no"
    path.write_text("name: x  # kept\nlabels: [{name: a}]\n", "utf-8")
    set_spec_key(path, "language", "ko")
    assert path.read_text("utf-8") == "name: x  # kept\nlabels: [{name: a}]\nlanguage: ko\n"
