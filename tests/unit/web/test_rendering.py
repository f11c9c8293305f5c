"""Template helpers: stored answers as lists, metadata values, report tables, JSON errors."""

from __future__ import annotations

import pytest

from textloop.web.rendering import as_table, environment, shown, stored_labels


@pytest.mark.parametrize(("value", "expected"), [
    (None, []), ("", []), ("spam", ["spam"]), ('["a", "b"]', ["a", "b"]), ("[]", []),
    ("[not json", ["[not json"]), ('["x"', ['["x"'])])
def test_stored_labels(value: str | None, expected: list[str]) -> None:
    assert stored_labels(value) == expected


def test_metadata_values_show_as_text_or_json() -> None:
    assert shown("plain") == "plain"
    assert shown({"k": [1, 2]}) == '{"k": [1, 2]}'
    assert shown("ünï") == "ünï" and shown(["ü"]) == '["ü"]'


def test_as_table() -> None:
    table = as_table([{"a": 1}, {"a": 2, "b": 3}])
    assert table is not None and table.columns == ["a", "b"]
    assert table.rows == [[1, None], [2, 3]]
    nested = as_table({"x": {"n": 1}})
    assert nested is not None and nested.columns == ["", "n"] and nested.rows == [["x", 1]]
    tuples = as_table([("a", "b", 2)])
    assert tuples is not None and tuples.columns == [] and tuples.rows == [["a", "b", 2]]
    assert as_table([]) is None and as_table({"a": 1}) is None and as_table("s") is None


def test_every_template_autoescapes() -> None:
    env = environment()
    assert env.autoescape is True
    html = env.from_string("{{ v }}").render(v="<img src=x onerror=alert(1)>")
    assert html == "&lt;img src=x onerror=alert(1)&gt;"
