"""Template helpers: stored answers as lists, metadata values, report tables, JSON errors."""

from __future__ import annotations

import base64

import pytest

from textloop.web.rendering import environment, shown, stored_labels, svg_image, when


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


def test_times_show_in_utc_and_charts_travel_as_images() -> None:
    assert when(1_700_000_000.5) == "2023-11-14 22:13:20 UTC" and when(None) == "—"
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>a &lt; b ü</text></svg>'
    url = svg_image(svg)
    assert url.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode() == svg
