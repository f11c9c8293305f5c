"""Template helpers: number formats and breakable, escaped labels."""

from __future__ import annotations

from textloop.reports.templating import breakable, environment, number, percent


def test_number_and_percent_formats():
    assert number(None) == "—"
    assert number(1234) == "1,234"
    assert number(0.12345) == "0.123"
    assert number(0.12345, 4) == "0.1235"
    assert percent(0.1234) == "12.3%"
    assert percent(None) == "—"


def test_breakable_escapes_then_allows_wrapping():
    assert str(breakable("card_not<b>working")) == "card_<wbr>not&lt;b&gt;working"
    assert "<wbr>" not in str(breakable("a&b"))


def test_environment_escapes_by_default():
    template = environment().from_string("{{ value }}")
    assert template.render(value="<b>") == "&lt;b&gt;"
