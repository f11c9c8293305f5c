"""The ``alerts:`` list of textloop.yaml: rules read with their defaults, mistakes named."""

from __future__ import annotations

import pytest

from textloop.config import load_spec
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
