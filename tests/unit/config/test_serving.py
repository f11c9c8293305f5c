"""The ``serving:`` section of textloop.yaml: defaults, limits, and typos named."""

from __future__ import annotations

import pytest

from textloop.config import ServingSettings, load_spec
from textloop.errors import ConfigError


def test_defaults_serve_the_champion_on_loopback() -> None:
    settings = ServingSettings()
    assert (settings.alias, settings.host, settings.port) == ("champion", "127.0.0.1", 8000)
    assert (settings.max_batch, settings.max_wait_ms, settings.log_texts) == (32, 5.0, "full")
    assert settings.cors_origins == [] and not settings.require_key


def test_a_serving_section_is_read_and_checked(tmp_path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: a}, {name: b}]\n"
                    "serving: {max_batch: 8, log_texts: hash, require_key: true}\n")
    serving = load_spec(path).serving
    assert (serving.max_batch, serving.log_texts, serving.require_key) == (8, "hash", True)
    path.write_text("name: p\nlabels: [{name: a}]\nserving: {log_text: none}\n")
    with pytest.raises(ConfigError, match="did you mean `log_texts`"):
        load_spec(path)
    path.write_text("name: p\nlabels: [{name: a}]\nserving: {log_texts: partial}\n")
    with pytest.raises(ConfigError, match=r"serving\.log_texts"):
        load_spec(path)


def test_serving_allowed_hosts_are_bare_host_names() -> None:
    assert ServingSettings(allowed_hosts=["api.example.org", "::1", "*"]).allowed_hosts == [
        "api.example.org", "::1", "*"]
    for bad in ("https://api.example.org", "api.example.org:443", "", "a b"):
        with pytest.raises(ValueError, match="is not a host name"):
            ServingSettings(allowed_hosts=[bad])
