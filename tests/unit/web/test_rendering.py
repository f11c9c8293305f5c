"""Template helpers: stored answers as lists, metadata values, report tables, JSON errors."""

from __future__ import annotations

import pytest

from textloop.web.rendering import environment, shown, stored_labels


@pytest.mark.parametrize(("value", "expected"), [
    (None, []), ("", []), ("spam", ["spam"]), ('["a", "b"]', ["a", "b"]), ("[]", []),
    ("[not json", ["[not json"]), ('["x"', ['["x"'])])
def test_stored_labels(value: str | None, expected: list[str]) -> None:
    assert stored_labels(value) == expected


def test_metadata_values_show_as_text_or_json() -> None:
    assert shown("plain") == "plain"
    assert shown({"k": [1, 2]}) == '{"k": [1, 2]}'
    assert shown("ünï") == "ünï" and shown(["ü"]) == '["ü"]'


def test_every_template_autoescapes() -> None:
    env = environment()
    assert env.autoescape is True
    html = env.from_string("{{ v }}").render(v="<img src=x onerror=alert(1)>")
    assert html == "&lt;img src=x onerror=alert(1)&gt;"
