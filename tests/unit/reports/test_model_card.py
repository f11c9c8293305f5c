"""The model card renderers: one list of sections, Markdown and HTML, user text escaped."""

from __future__ import annotations

from textloop.reports.model_card import CARD_HTML, Section, render_markdown, write_card

SECTIONS = [Section("Intended use", paragraphs=["Goal: macro_f1 >= 0.9"],
                    bullets=["spam: <script>alert(1)</script>"]),
            Section("Metrics", table=(["metric", "value"], [["a|b", "0.5000"]]))]


def test_markdown_has_front_matter_sections_and_escaped_cells() -> None:
    text = render_markdown("Model card: m-1 (v2)", {"library_name": "textloop"}, SECTIONS)
    assert text.startswith("---\nlibrary_name: textloop\n---\n")
    assert "# Model card: m-1 (v2)" in text and "## Intended use" in text
    assert "Goal: macro_f1 >= 0.9" in text
    assert "- spam: &lt;script>alert(1)&lt;/script>" in text
    assert "| a\\|b | 0.5000 |" in text


def test_html_card_is_written_beside_the_markdown_and_escapes_user_text(tmp_path) -> None:
    markdown = write_card(tmp_path / "evaluation-test", "Model card", {}, SECTIONS)
    html = (markdown.parent / CARD_HTML).read_text(encoding="utf-8")
    assert markdown.name == "model_card.md" and markdown.is_file()
    assert "<h2>Metrics</h2>" in html and "<td>a|b</td>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
