"""What an import tells the user about bad rows: the failure message or the skip report.

The skip report is streamed to a temporary file as rows are skipped (a file with a million
bad rows must not be held in memory) and renamed into place only when the import commits,
so a failed or killed import never leaves a report for rows that were not imported.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Any

from textloop.errors import InvalidInputError
from textloop.stages.ingest.rows import RowError

MAX_REPORTED = 10
REPORT_COLUMNS = ("where", "line", "column", "problem", "fix")


def failure(path: Path, errors: list[RowError], stopped_early: bool) -> InvalidInputError:
    """One error listing the first problems, each with its line and column."""
    shown = errors[:MAX_REPORTED]
    more = " (scanning stopped there)" if stopped_early else ""
    lines = "\n  ".join(e.describe() for e in shown)
    count = f"{len(shown)} problem{'s' if len(shown) > 1 else ''}{more}"
    return InvalidInputError(
        f"{path}: {count}; nothing was imported:\n  {lines}",
        hint=f"{shown[0].fix}; or pass --skip-invalid to import the valid rows and write the "
             "others to a report",
        problems=[e.describe() for e in shown])


class SkipReport:
    """A CSV of skipped rows: one line per row with where it is, what is wrong and the fix.

    The first ``MAX_REPORTED`` rows are also kept (``first``, keyed by ``REPORT_COLUMNS``)
    for the import's result, so the user sees what was skipped without opening the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.first: list[dict[str, Any]] = []
        self._tmp = path.with_name(path.name + ".tmp")
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, problem: RowError) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self._tmp.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REPORT_COLUMNS)
        values = (problem.row.where, problem.row.line, problem.column or "", problem.message,
                  problem.fix)
        self._writer.writerow(values)
        if len(self.first) < MAX_REPORTED:
            self.first.append(dict(zip(REPORT_COLUMNS, values, strict=True)))
        self.count += 1

    def publish(self) -> Path | None:
        """Move the report into place (call once the import is committed); None if empty."""
        if self._handle is None:
            return None
        self._handle.close()
        os.replace(self._tmp, self.path)
        return self.path

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._tmp.unlink(missing_ok=True)
