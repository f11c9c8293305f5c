"""The failure message and the skip report."""

from __future__ import annotations

import csv

from textloop.stages.ingest.report import SkipReport, failure
from textloop.stages.ingest.rows import RowError
from textloop.stages.ingest.source import RawRow


def problem(line: int, column: str | None = "text") -> RowError:
    return RowError(RawRow(line, {}), "is empty", column, fix="fill it in")


def test_failure_lists_problems_with_lines_and_the_first_fix(tmp_path) -> None:
    error = failure(tmp_path / "f.csv", [problem(3), problem(7, None)], stopped_early=False)
    assert error.message == (f"{tmp_path / 'f.csv'}: 2 problems; nothing was imported:\n"
                             "  line 3, column 'text': is empty\n  line 7: is empty")
    assert error.hint is not None and error.hint.startswith("fill it in; or pass --skip-invalid")
    assert error.details["problems"] == ["line 3, column 'text': is empty", "line 7: is empty"]


def test_failure_says_when_scanning_stopped(tmp_path) -> None:
    error = failure(tmp_path / "f.csv", [problem(i) for i in range(12)], stopped_early=True)
    assert "10 problems (scanning stopped there)" in error.message


def test_report_is_published_only_when_asked(tmp_path) -> None:
    report = SkipReport(tmp_path / "imports" / "import-1-skipped.csv")
    report.add(problem(3))
    report.add(RowError(RawRow(9, {}, place="row 9"), "bad, \"quoted\"", None, fix="f"))
    assert not report.path.exists()
    assert report.publish() == report.path
    with report.path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["where", "line", "column", "problem", "fix"],
                    ["line 3", "3", "text", "is empty", "fill it in"],
                    ["row 9", "9", "", 'bad, "quoted"', "f"]]
    assert report.count == 2


def test_empty_report_publishes_nothing(tmp_path) -> None:
    report = SkipReport(tmp_path / "r.csv")
    assert report.publish() is None
    assert not tmp_path.joinpath("r.csv").exists()


def test_discarded_report_leaves_no_file(tmp_path) -> None:
    report = SkipReport(tmp_path / "r.csv")
    report.add(problem(1))
    report.discard()
    assert list(tmp_path.iterdir()) == []


def test_report_keeps_the_first_skipped_rows_to_show(tmp_path) -> None:
    report = SkipReport(tmp_path / "imports" / "import-1-skipped.csv")
    for line in range(1, 15):
        report.add(problem(line))
    assert report.count == 14
    assert len(report.first) == 10
    assert report.first[0] == {"where": "line 1", "line": 1, "column": "text",
                               "problem": "is empty", "fix": "fill it in"}
    report.discard()
