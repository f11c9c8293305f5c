"""Shared terminal output: user text printed safely, and the one ``--json`` document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe
from textloop.cli.console import Text, console, err_console, esc, print_json, render_error
from textloop.errors import InvalidInputError


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 400)
    monkeypatch.setattr(err_console, "_width", 400)


def _printed(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return assert_safe(out + err)


def test_user_text_shows_its_escapes_however_a_command_prints_it(capsys, wide) -> None:
    """Markup interpolated with ``esc``, a ``Text``, a table cell, a title and a panel all
    print the control characters as visible escapes and the markup literally: a command
    cannot forget it, because the console itself does it."""
    console.print(f"[bold]{esc(HOSTILE)}[/]")
    assert SHOWN in _printed(capsys)
    console.print(Text(HOSTILE, style="dim"))
    assert SHOWN in _printed(capsys)
    console.print(Text.assemble("label: ", (HOSTILE, "bold")))
    assert f"label: {SHOWN}" in _printed(capsys)
    table = Table("name", title=Text(HOSTILE))
    table.add_row(Text(HOSTILE))
    table.add_row(esc(HOSTILE))
    console.print(table)
    assert _printed(capsys).count(SHOWN) == 3


def test_text_built_by_rich_itself_cannot_reach_the_terminal_raw(capsys, wide) -> None:
    """A renderable the shared helpers never saw (rich's own Text, a panel title, a C1
    control) is still made safe on its way out; rich drops CR and BEL from such text."""
    console.print(Panel(RichText("x\x1b[2Jy \u202e \x9b1m"), title="t\x1b]0;title\x07"))
    shown = _printed(capsys)
    assert r"x\x1b[2Jy \u202e \x9b1m" in shown and r"t\x1b]0;title" in shown


def test_error_messages_quote_file_contents_safely(capsys, wide) -> None:
    render_error(InvalidInputError(f"line 3: label {HOSTILE!s} is not in textloop.yaml",
                                   hint=f"add {HOSTILE} to labels"))
    shown = _printed(capsys)
    assert f"Error: line 3: label {SHOWN} is not in textloop.yaml" in shown
    assert f"Hint: add {SHOWN} to labels" in shown


def test_our_own_markup_still_styles(wide) -> None:
    """Only user text is neutralised: the console's own styles still render."""
    with console.capture() as captured:
        console.print("[bold]x[/]")
    assert captured.get().strip() == "x"


def test_print_json_writes_one_document_keeping_text_and_naming_paths(capsys) -> None:
    print_json({"label": "réclamation 🚀", "path": Path("/tmp/v1"), "scores": [0.5, None]})
    out, err = capsys.readouterr()
    assert err == "" and out.endswith("}\n")
    assert "réclamation 🚀" in out  # not \u-escaped: a terminal and jq show the same text
    assert json.loads(out) == {"label": "réclamation 🚀", "path": "/tmp/v1",
                               "scores": [0.5, None]}


def test_print_json_keeps_numpy_numbers_numbers_and_writes_no_nan(capsys) -> None:
    """A metric straight from scikit-learn is a NumPy scalar: it must print as a number a
    script can compare, not as the string "0.5"; NaN is not JSON, so it prints as null."""
    import numpy as np

    print_json({"f1": np.float32(0.5), "n": np.int64(3), "ok": np.bool_(True),
                "per_class": np.array([0.25, 0.75]), "auc": float("nan")})
    out, _ = capsys.readouterr()
    assert "NaN" not in out
    assert json.loads(out) == {"f1": 0.5, "n": 3, "ok": True, "per_class": [0.25, 0.75],
                               "auc": None}


def test_print_json_holds_the_exact_text_with_nothing_a_terminal_obeys(capsys) -> None:
    """C0 controls are escaped by JSON itself; C1 controls and bidi overrides (written raw
    with ``ensure_ascii=False``) get JSON escapes too, so the document parses to the very
    text stored, and ``cat`` of it moves no cursor."""
    print_json({"text": HOSTILE + " \x9b", "who": "김철수"})
    out = _printed(capsys)
    assert json.loads(out) == {"text": HOSTILE + " \x9b", "who": "김철수"}
    assert "김철수" in out


def test_commands_print_user_text_only_through_the_safe_helpers() -> None:
    """rich's own ``Text`` drops CR and BEL silently and ``typer.echo`` writes raw: a command
    module that imports either would print user text around ``cli.console``."""
    root = Path(__file__).resolve().parents[3] / "src" / "textloop" / "cli"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "console.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "rich.text" in source or ("typer.echo(" in source and path.name != "main.py"):
            offenders.append(path.relative_to(root).as_posix())
    assert offenders == []


def test_echo_keeps_tabs_for_scripts_and_shows_escapes(capsys) -> None:
    from textloop.cli.console import echo

    echo(f"r1\ttrain\t{HOSTILE}")
    assert _printed(capsys) == f"r1\ttrain\t{SHOWN}\n"
