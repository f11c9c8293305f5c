"""The ``monitoring:`` section of textloop.yaml: defaults, limits, and typos named."""

from __future__ import annotations

import pytest

from textloop.config import DRIFT_DETECTORS, MonitoringSettings, load_spec
from textloop.errors import ConfigError


def test_defaults_check_500_rows_against_validation_with_every_detector() -> None:
    settings = MonitoringSettings()
    assert (settings.window, settings.reference_split, settings.false_alarm_rate) == (
        500, "validation", 0.05)
    assert settings.detectors == list(DRIFT_DETECTORS)


def test_a_monitoring_section_is_read_and_checked(tmp_path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: a}, {name: b}]\nmonitoring:\n  window: 200\n"
                    "  reference_split: train\n  detectors: [mmd, confidence]\n")
    monitoring = load_spec(path).monitoring
    assert (monitoring.window, monitoring.reference_split) == (200, "train")
    assert monitoring.detectors == ["mmd", "confidence"]
    path.write_text("name: p\nlabels: [{name: a}]\nmonitoring: {detectors: [mmd2]}\n")
    with pytest.raises(ConfigError, match=r"monitoring\.detectors"):
        load_spec(path)
    path.write_text("name: p\nlabels: [{name: a}]\nmonitoring: {false_alarm: 0.01}\n")
    with pytest.raises(ConfigError, match="did you mean `false_alarm_rate`"):
        load_spec(path)
    path.write_text("name: p\nlabels: [{name: a}]\nmonitoring: {false_alarm_rate: 0.9}\n")
    with pytest.raises(ConfigError, match=r"monitoring\.false_alarm_rate"):
        load_spec(path)


def test_a_registered_detector_is_valid_in_config_and_listed(scratch_registry) -> None:
    """The list of detectors is the registry's: registering one edits no list."""
    with pytest.raises(ValueError, match="unknown drift detector 'tokens'"):
        MonitoringSettings(detectors=["tokens"])
    scratch_registry.register("textloop.drift.tokens.v1", reads="texts")(object)
    assert MonitoringSettings(detectors=["tokens", "mmd"]).detectors == ["tokens", "mmd"]
    assert DRIFT_DETECTORS[-1] != "tokens"  # the name imported above was read before
    from textloop.config import DRIFT_DETECTORS as now

    assert now[-1] == "tokens" and MonitoringSettings().detectors == list(now)
