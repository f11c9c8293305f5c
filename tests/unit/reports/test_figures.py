"""SVG rendering: escaped text, no math parsing, no leaked matplotlib state."""

from __future__ import annotations

import matplotlib

from textloop.reports.figures import new_figure, report_style, short_label, to_svg


def _svg_with_title(title: str, name: str = "t") -> str:
    with report_style():
        fig = new_figure(3, 2)
        fig.add_subplot().set_title(title)
        return to_svg(fig, name)


def test_text_in_svg_is_escaped():
    svg = _svg_with_title("<script>alert(1)</script> & <img src=x onerror=alert(1)>")
    assert svg.startswith("<svg")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in svg
    assert "<script" not in svg and "<img" not in svg


def test_dollar_signs_are_plain_text_not_math():
    svg = _svg_with_title("fee_$5 and $10_refund")
    assert "fee_$5 and $10_refund" in svg


def test_global_matplotlib_settings_are_left_alone():
    before = {key: matplotlib.rcParams[key] for key in ("svg.fonttype", "font.size",
                                                        "text.parse_math", "svg.hashsalt")}
    _svg_with_title("x")
    assert {key: matplotlib.rcParams[key] for key in before} == before


def test_ids_differ_between_figures_and_repeat_for_the_same_name():
    assert _svg_with_title("x", "a") == _svg_with_title("x", "a")
    assert _svg_with_title("x", "a") != _svg_with_title("x", "b")


def test_short_label_keeps_short_and_cuts_long():
    assert short_label("card_arrival") == "card_arrival"
    assert short_label("a" * 40, width=10) == "a" * 9 + "…"
