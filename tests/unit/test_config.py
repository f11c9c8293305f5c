"""The project spec: defaults, validation messages that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import (
    Actions,
    ProjectSpec,
    find_project,
    load_spec,
    positive_label,
    set_spec_key,
    write_spec,
)
from textloop.errors import ConfigError, NotFoundError

VALID = """
name: spam-filter
labels:
  - name: spam
    description: Unwanted ads
  - name: ham
goal: {metric: macro_f1, target: 0.95}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "textloop.yaml"
    path.write_text(text, encoding="utf-8")
    return path


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


def test_duplicate_and_unknown_score_labels_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="listed twice"):
        load_spec(write(tmp_path, "name: x\nlabels: [{name: a}, {name: a}]\n"))
    with pytest.raises(ConfigError, match="unknown labels: b"):
        load_spec(write(tmp_path, "name: x\nlabels: [{name: a}]\nactions: {score_labels: [b]}\n"))


def test_split_fractions_must_sum_to_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must be 1\.0"):
        load_spec(write(tmp_path, VALID + "release: {train: 0.5, validation: 0.1, test: 0.1}\n"))


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID))
    out = tmp_path / "copy.yaml"
    write_spec(out, spec)
    assert load_spec(out) == spec
    assert out.read_text(encoding="utf-8").startswith("# textloop project spec")


def test_filter_bands_score_the_flagged_labels() -> None:
    actions = Actions.for_filter(["spam"])
    assert actions.score_of({"spam": 0.93, "ham": 0.07}) == pytest.approx(0.93)
    assert actions.band_for(0.93) == "block"
    assert actions.band_for(0.6) == "review"
    # a confident "ham" must not be blocked: the score is P(spam), not the top probability
    assert actions.band_for(actions.score_of({"spam": 0.02, "ham": 0.98})) == "allow"


def test_the_score_label_is_the_positive_class_in_any_label_order() -> None:
    assert positive_label(["spam", "ham"], ["spam"]) == "spam"
    assert Actions.for_filter(["spam"]).positive_label(["ham", "spam"]) == "spam"
    assert positive_label(["spam", "ham", "promo"], ["spam"]) == "spam"
    # without score labels: the second of two labels, none for more
    assert Actions().positive_label(["ham", "spam"]) == "spam"
    assert positive_label(["a", "b", "c"]) is None
    # several score labels have no single positive class
    assert positive_label(["spam", "phish", "ham"], ["spam", "phish"]) is None


def test_bands_reject_non_probabilities() -> None:
    with pytest.raises(ValueError, match="probability"):
        Actions(bands={"block": 1.5})


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


def test_spec_rejects_label_with_comma() -> None:
    with pytest.raises(ValueError, match="comma"):
        ProjectSpec(name="x", labels=[{"name": "a,b"}])


def test_band_targets_load_and_must_name_declared_bands(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9, review: 0.5}, "
                           "targets: {block: {precision: 0.95}, review: {recall: 0.98}}}\n"))
    assert spec.actions.targets["block"].precision == 0.95
    assert spec.actions.targets["review"].recall == 0.98
    with pytest.raises(ConfigError, match="not under bands: blok"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {blok: {precision: 0.95}}}\n"))
    with pytest.raises(ConfigError, match="exactly one of precision, recall"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {block: {precision: 0.9, recall: 0.9}}}\n"))


def test_unknown_keys_under_targets_and_calibration_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"actions\.targets\.block\.precison.*`precision`"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {block: {precison: 0.95}}}\n"))
    with pytest.raises(ConfigError, match=r"calibration\.methd.*`method`"):
        load_spec(write(tmp_path, VALID + "calibration: {methd: isotonic}\n"))
    assert load_spec(write(tmp_path, VALID)).calibration.method == "temperature"


def test_regression_spec_defaults_and_mismatches(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "name: x\ntask: regression\ntarget: {min: 1, max: 5}\n"))
    assert spec.labels == [] and spec.goal.metric == "r2" and spec.training.loss == "mse"
    assert spec.goal.met(0.6) and not spec.goal.met(0.4)
    lower = load_spec(write(tmp_path, "name: x\ntask: regression\ngoal: {metric: mae, "
                                      "target: 0.5}\n")).goal
    assert lower.met(0.4) and not lower.met(0.6) and not lower.higher_is_better
    for text, found in [("name: x\ntask: regression\ngoal: {metric: macro_f1}\n", "macro_f1"),
                        ("name: x\nlabels: [{name: a}]\ngoal: {metric: mae, target: 1}\n", "mae"),
                        ("name: x\ntask: regression\ntraining: {loss: hinge}\n", "hinge"),
                        ("name: x\ntask: regression\nlabels: [{name: a}]\n", "no labels"),
                        ("name: x\ntask: regression\ntarget: {min: 5, max: 1}\n", "below"),
                        ("name: x\nlabels: [{name: a}]\ngoal: {metric: accuracy, target: 2}\n",
                         "above 1")]:
        with pytest.raises(ConfigError) as info:
            load_spec(write(tmp_path, text))
        assert found in info.value.message, text


def test_a_regression_spec_takes_an_assigned_language(tmp_path: Path) -> None:
    """Import records the detected language by assignment, which re-validates the spec."""
    spec = load_spec(write(tmp_path, "name: x\ntask: regression\ntraining: {epochs: 3}\n"))
    spec.language = "ko"
    assert spec.language == "ko" and spec.training.loss == "mse" and spec.training.epochs == 3


def test_serving_allowed_hosts_are_bare_host_names() -> None:
    from textloop.config import ServingSettings

    assert ServingSettings(allowed_hosts=["api.example.org", "::1", "*"]).allowed_hosts == [
        "api.example.org", "::1", "*"]
    for bad in ("https://api.example.org", "api.example.org:443", "", "a b"):
        with pytest.raises(ValueError, match="is not a host name"):
            ServingSettings(allowed_hosts=[bad])


def test_expected_personal_data_kinds_are_checked(tmp_path: Path) -> None:
    spec = ProjectSpec.model_validate({"name": "p", "labels": [{"name": "spam"}],
                                       "clean": {"pii": {"expected": ["url"]}}})
    assert spec.clean.pii.expected == ["url"]
    assert ProjectSpec.model_validate({"name": "p", "labels": [{"name": "a"}]}
                                      ).clean.pii.expected == []
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: spam}]\nclean:\n  pii:\n    expected: [links]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"clean\.pii\.expected") as info:
        load_spec(path)
    assert "'links'" in str(info.value) and "url, email" in str(info.value)


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


def test_language_must_be_a_tag(tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: x\nlabels: [{name: a}]\nlanguage: Korean\n", "utf-8")
    with pytest.raises(ConfigError, match="key `language`: not a BCP 47 language tag"):
        load_spec(path)
