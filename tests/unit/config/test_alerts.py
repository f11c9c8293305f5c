"""The ``alerts:`` list of textloop.yaml: rules read with their defaults, mistakes named."""

from __future__ import annotations

import pytest

import textloop.config
from textloop.config import alert_checks, drift_checks, load_spec
from textloop.errors import ConfigError

HEAD = "name: p\nlabels: [{name: a}, {name: b}]\n"


def test_alert_rules_are_read_with_defaults(tmp_path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text(HEAD + "alerts:\n"
                    "  - {name: oov-high, check: oov, threshold: 0.1, window: 200,\n"
                    "     webhook: 'http://127.0.0.1:9/hook'}\n"
                    "  - {name: drift, check: status, threshold: 0}\n"
                    "  - {name: rare, check: mmd, metric: p_value, op: '<', threshold: 0.01}\n")
    oov, status, rare = load_spec(path).alerts
    assert (oov.check, oov.metric, oov.op, oov.window, oov.slice) == (
        "oov", "score", ">", 200, "all")
    assert oov.webhook == "http://127.0.0.1:9/hook" and status.webhook is None
    assert (rare.metric, rare.op, rare.threshold) == ("p_value", "<", 0.01)


@pytest.mark.parametrize(("rule", "key"), [
    ("{name: x, check: ovv, threshold: 1}", "alerts.0.check"),
    ("{name: x, check: oov, op: '>=', threshold: 1}", "alerts.0.op"),
    ("{name: x, check: oov, threshold: 1, webhook: 'ftp://host'}", "alerts.0.webhook"),
    ("{name: x, check: oov}", "alerts.0.threshold"),
])
def test_a_wrong_rule_names_its_key(tmp_path, rule: str, key: str) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text(HEAD + f"alerts: [{rule}]\n")
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_spec(path)


def test_a_registered_detector_s_checks_are_valid_alert_checks(tmp_path, scratch_registry
                                                                ) -> None:
    """An alert watches checks named after the registered detectors: a categorical one
    gives a check on labels and one on bands."""
    path = tmp_path / "textloop.yaml"
    path.write_text(HEAD + "alerts: [{name: x, check: band_entropy_gap, threshold: 1}]\n")
    with pytest.raises(ConfigError, match=r"alerts\.0\.check.*unknown check"):
        load_spec(path)
    scratch_registry.register("textloop.drift.label-entropy-gap.v1", reads="categories")(object)
    assert load_spec(path).alerts[0].check == "band_entropy_gap"
    assert drift_checks("label-entropy-gap") == ("label_entropy_gap", "band_entropy_gap")
    assert alert_checks()[-4:] == ("label_entropy_gap", "band_entropy_gap", "performance",
                                   "entity_f1")
    assert alert_checks() == textloop.config.ALERT_CHECKS
