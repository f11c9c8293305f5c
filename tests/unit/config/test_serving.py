"""The ``serving:`` section of textloop.yaml: defaults, limits, and typos named."""

from __future__ import annotations

import pytest

from textloop.config import RayServing, ServingSettings, load_spec
from textloop.errors import ConfigError


def test_defaults_serve_the_champion_on_loopback() -> None:
    settings = ServingSettings()
    assert (settings.alias, settings.host, settings.port) == ("champion", "127.0.0.1", 8000)
    assert (settings.max_batch, settings.max_wait_ms, settings.log_texts) == (32, 5.0, "full")
    assert settings.cors_origins == [] and not settings.require_key
    assert (settings.max_queue, settings.max_queue_wait_ms) == (1024, 5000.0)


def test_admission_bounds_are_checked() -> None:
    assert ServingSettings(max_queue=1, max_queue_wait_ms=0).max_queue_wait_ms == 0.0
    with pytest.raises(ValueError, match="max_queue"):
        ServingSettings(max_queue=0)
    with pytest.raises(ValueError, match="max_queue_wait_ms"):
        ServingSettings(max_queue_wait_ms=-1)


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


def test_serving_ray_takes_a_count_or_ordered_bounds(tmp_path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: a}, {name: b}]\n"
                    "serving: {ray: {min_replicas: 1, max_replicas: 4}}\n")
    ray = load_spec(path).serving.ray
    assert ray.autoscaling and (ray.min_replicas, ray.max_replicas, ray.replicas) == (1, 4, None)
    assert ServingSettings().ray.max_ongoing_requests > ServingSettings().max_batch
    for section, message in (("{replicas: 2, max_replicas: 3}", "not both"),
                             ("{min_replicas: 2}", "needs both min_replicas and max_replicas"),
                             ("{min_replicas: 5, max_replicas: 3}", "is above max_replicas"),
                             ("{replica: 2}", "did you mean `replicas`")):
        path.write_text(f"name: p\nlabels: [{{name: a}}]\nserving: {{ray: {section}}}\n")
        with pytest.raises(ConfigError, match=message):
            load_spec(path)


def test_command_line_counts_replace_the_files_count_or_bounds() -> None:
    bounds = RayServing(min_replicas=1, max_replicas=4)
    assert RayServing(**bounds.overridden(replicas=3)).replicas == 3  # not "both given"
    fixed = RayServing(replicas=2)
    scaled = RayServing(**fixed.overridden(min_replicas=2, max_replicas=6))
    assert (scaled.replicas, scaled.min_replicas, scaled.max_replicas) == (None, 2, 6)
    assert RayServing(**bounds.overridden(max_replicas=8)).min_replicas == 1
    assert bounds.overridden() == bounds.model_dump()
