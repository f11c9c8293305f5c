"""Versioned names: short aliases resolve to the newest version; full names are exact."""

from __future__ import annotations

import sys

import pytest

from textloop.errors import NotFoundError
from textloop.registry import Registry


def test_short_name_resolves_to_newest_version() -> None:
    reg = Registry()
    reg.register("textloop.query.margin.v1")("old")
    reg.register("textloop.query.margin.v2")("new")
    assert reg.resolve("query", "margin") == ("textloop.query.margin.v2", "new")
    assert reg.resolve("query", "textloop.query.margin.v1") == ("textloop.query.margin.v1", "old")
    assert reg.names("query") == ["margin"]


def test_unknown_name_lists_known_ones() -> None:
    reg = Registry()
    reg.register("textloop.model.tfidf-lr.v1")(object)
    with pytest.raises(NotFoundError) as info:
        reg.resolve("model", "bert")
    assert "tfidf-lr" in (info.value.hint or "")


def test_bad_name_and_double_registration_refused() -> None:
    reg = Registry()
    with pytest.raises(ValueError):
        reg.register("margin")
    reg.register("textloop.model.a.v1")(int)
    with pytest.raises(ValueError):
        reg.register("textloop.model.a.v1")(str)


PLUGIN = '''
class Detector:
    """A plugin's drift detector."""
'''


def test_a_declared_name_is_listed_without_importing_its_module(tmp_path, monkeypatch) -> None:
    (tmp_path / "plugin_detectors.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry()
    reg.declare("textloop.drift.plugin.v1", "plugin_detectors:Detector", reads="texts")
    assert reg.names("drift") == ["plugin"]
    assert reg.tags("drift", "plugin") == {"reads": "texts"}
    assert "plugin_detectors" not in sys.modules
    full, cls = reg.resolve("drift", "plugin")
    assert full == "textloop.drift.plugin.v1" and cls.__doc__ == "A plugin's drift detector."
    assert sys.modules["plugin_detectors"].Detector is cls
    monkeypatch.delitem(sys.modules, "plugin_detectors")


def test_a_declared_name_may_be_registered_only_by_its_own_object() -> None:
    reg = Registry()
    reg.declare("textloop.query.margin.v1", "textloop.registry:Registry")
    reg.register("textloop.query.margin.v1")(Registry)  # the module registering itself
    assert reg.resolve("query", "margin") == ("textloop.query.margin.v1", Registry)
    reg.declare("textloop.query.entropy.v1", "textloop.registry:Registry")
    with pytest.raises(ValueError, match="already registered"):
        reg.register("textloop.query.entropy.v1")(dict)
    with pytest.raises(ValueError, match="already registered"):
        reg.declare("textloop.query.entropy.v1", "textloop.errors:NotFoundError")
    with pytest.raises(ValueError, match="module:attr"):
        reg.declare("textloop.query.random.v1", "textloop.registry.Registry")


def test_names_in_registration_order_and_the_newest_version_s_tags() -> None:
    reg = Registry()
    reg.register("textloop.drift.zeta.v1", reads="texts")(object)
    reg.register("textloop.drift.alpha.v1", reads="texts")(int)
    reg.register("textloop.drift.zeta.v2", reads="vectors")(str)
    assert reg.names("drift") == ["alpha", "zeta"]
    assert reg.names("drift", sort=False) == ["zeta", "alpha"]
    assert reg.tags("drift", "zeta") == {"reads": "vectors"}
    assert reg.tags("drift", "textloop.drift.zeta.v1") == {"reads": "texts"}


def test_built_ins_are_declared_on_the_first_lookup_only() -> None:
    calls = []

    def builtins(registry: Registry) -> None:
        calls.append(registry)
        registry.declare("textloop.query.margin.v1", "textloop.registry:Registry")

    reg = Registry(builtins=builtins)
    assert calls == []
    assert reg.names("query") == ["margin"] and reg.names("query") == ["margin"]
    assert calls == [reg]
