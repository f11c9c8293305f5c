"""Versioned names: short aliases resolve to the newest version; full names are exact."""

from __future__ import annotations

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
